"""The mixed workload of `manage.py loadtest`: residents, agents and managers on gunicorn.

Each simulated person uses a ready session (made by the loadtest command, listed in the file
named by MINIPILOT_LOADTEST_SESSIONS), so the load measures the pages, not the login.
"""

import json
import os
import random
import re

from locust import HttpUser, between, task

SESSIONS = json.loads(open(os.environ["MINIPILOT_LOADTEST_SESSIONS"]).read())  # noqa: SIM115
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2)

    def on_start(self):
        session = random.choice(SESSIONS[self.role])
        self.client.cookies.set("sessionid", session["cookie"])
        self.data = session


class Resident(Person):
    role = "resident"
    weight = 6

    @task(4)
    def home(self):
        self.client.get("/en/", name="home")

    @task(3)
    def my_ideas(self):
        self.client.get("/en/my/", name="/my/")

    @task(3)
    def showcase(self):
        self.client.get("/en/pilots/", name="showcase")

    @task(1)
    def submit_idea(self):
        form = self.client.get("/en/ideas/new/", name="idea form")
        token, started = TOKEN.search(form.text), STARTED.search(form.text)
        if not (token and started):
            return
        self.client.post(
            "/en/ideas/new/",
            data={
                **self.data["idea"],
                "csrfmiddlewaretoken": token.group(1),
                "started": started.group(1),
            },
            headers={"Referer": f"{self.host}/en/ideas/new/"},
            name="idea submission",
            allow_redirects=False,
        )


class Agent(Person):
    role = "agent"
    weight = 3

    @task(4)
    def queue(self):
        self.client.get("/en/agent/", name="agent queue")

    @task(2)
    def filtered(self):
        self.client.get(self.data["filtered"], name="agent queue, filtered")

    @task(3)
    def idea(self):
        self.client.get(random.choice(self.data["ideas"]), name="agent's idea page")


class Manager(Person):
    role = "manager"
    weight = 1

    @task(3)
    def district(self):
        self.client.get(random.choice(self.data["districts"]), name="district report")

    @task(1)
    def compare(self):
        self.client.get("/en/reports/compare/", name="comparison")

    @task(1)
    def open_data(self):
        self.client.get("/en/open-data/pilots.json", name="open data JSON")

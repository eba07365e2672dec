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
# A filter changed on the dashboard, or a part loaded after a page, comes from htmx.
HTMX = {"HX-Request": "true"}


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
        # What the browser loads after the dashboard.
        self.client.get("/en/agent/follow-up/", headers=HTMX, name="agent's follow-up")
        self.client.get("/en/agent/money/", headers=HTMX, name="agent's money")

    @task(2)
    def filtered(self):
        self.client.get(self.data["filtered"], headers=HTMX, name="agent queue, filtered")

    @task(3)
    def idea(self):
        if not self.data["ideas"]:
            return
        url = random.choice(self.data["ideas"])
        self.client.get(url, name="agent's idea page")
        self.client.get(f"{url}mill/", headers=HTMX, name="agent's idea mill")


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

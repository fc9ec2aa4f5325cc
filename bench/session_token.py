"""Sign the demo customer in through the headless app API and print its session token."""

import json
import sys
import urllib.request

base = sys.argv[1]
body = json.dumps({"email": "customer@orderly.local", "password": "orderly-demo"}).encode()
request = urllib.request.Request(
    f"{base}/_allauth/app/v1/auth/login",
    data=body,
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(request) as response:
    print(json.load(response)["meta"]["session_token"])

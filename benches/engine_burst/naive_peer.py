"""The naive peer of the burst benchmark: what a script written with simple-salesforce does to
admit one new partner user, one person after another, six API calls each:

1. query the Account by its key,
2. query the Contact by the person's key (not there yet),
3. create the Contact,
4. query the partner profile by name,
5. create the User,
6. reset the password (Salesforce mails the person a link).

It runs against sfsim over HTTPS (simple-salesforce speaks nothing else; trust sfsim's test CA
with REQUESTS_CA_BUNDLE) with a token from sfsim's token endpoint, and prints one JSON
object: people, seconds, people per second, and the API calls sfsim counted per person.

    REQUESTS_CA_BUNDLE=sfsim/tls/ca.pem python naive_peer.py --base https://127.0.0.1:8787 --people 200
"""

import argparse
import json
import sys
import time

import requests
from simple_salesforce import Salesforce


def post_form(url, fields):
    answer = requests.post(url, data=fields, timeout=60)
    answer.raise_for_status()
    return answer.json()


def get_json(url):
    answer = requests.get(url, timeout=60)
    answer.raise_for_status()
    return answer.json()


def admit(sf, account_key, profile_name, key, prefix):
    account = sf.query(f"SELECT Id FROM Account WHERE Gatehouse_Key__c = '{account_key}'")
    account_id = account["records"][0]["Id"]
    found = sf.query(f"SELECT Id FROM Contact WHERE Gatehouse_Key__c = '{key}'")
    if found["totalSize"]:
        contact_id = found["records"][0]["Id"]
    else:
        contact_id = sf.Contact.create({
            "LastName": f"Naive {key}",
            "Email": f"{key}@{prefix}.example",
            "AccountId": account_id,
            "Gatehouse_Key__c": key,
        })["id"]
    profile = sf.query(f"SELECT Id FROM Profile WHERE Name = '{profile_name}'")
    user_id = sf.User.create({
        "Username": f"{key}@{prefix}.example.sfsim",
        "LastName": f"Naive {key}",
        "Email": f"{key}@{prefix}.example",
        "Alias": key[-8:],
        "TimeZoneSidKey": "Europe/London",
        "LocaleSidKey": "en_GB",
        "EmailEncodingKey": "UTF-8",
        "LanguageLocaleKey": "en_US",
        "ProfileId": profile["records"][0]["Id"],
        "ContactId": contact_id,
    })["id"]
    sf.restful(f"sobjects/User/{user_id}/password", method="DELETE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="sfsim's base URL")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--account-key", default="P-100")
    parser.add_argument("--profile", default="Partner Community User")
    parser.add_argument("--client-id", default="gatehouse-dev")
    parser.add_argument("--client-secret", default="gatehouse-dev-secret")
    parser.add_argument("--prefix", default="naive", help="key and username prefix")
    args = parser.parse_args()

    token = post_form(f"{args.base}/services/oauth2/token", {
        "grant_type": "client_credentials",
        "client_id": args.client_id,
        "client_secret": args.client_secret,
    })
    sf = Salesforce(instance_url=token["instance_url"], session_id=token["access_token"],
                    version="68.0")
    before = get_json(f"{args.base}/__sim/calls")["total"]
    started = time.monotonic()
    for n in range(args.people):
        admit(sf, args.account_key, args.profile, f"{args.prefix}{n:06d}", args.prefix)
    seconds = time.monotonic() - started
    calls = get_json(f"{args.base}/__sim/calls")["total"] - before
    json.dump({
        "people": args.people,
        "seconds": round(seconds, 3),
        "people_per_second": round(args.people / seconds, 2),
        "calls": calls,
        "calls_per_person": round(calls / args.people, 2),
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()

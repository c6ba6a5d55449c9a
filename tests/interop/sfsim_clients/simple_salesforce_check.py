"""simple-salesforce against sfsim, used the way its README shows, as a new user would.

Usage: simple_salesforce_check.py LOGIN_URL [CLIENT_ID CLIENT_SECRET]

Takes a token from sfsim's own token endpoint (client credentials), builds
`Salesforce(instance_url=…, session_id=…)` from the answer, and runs the calls provisioning
makes: queries (paged past 2,000 records), single-record create/get/update/upsert, composite,
sObject Collections, a partner user's creation and deactivation, and the library's error
mapping. sfsim must serve https (`sfsim --tls`); point `requests` at its CA with
`REQUESTS_CA_BUNDLE=sfsim/tls/ca.pem`. Every name this script writes carries a fresh run id, so
it can run twice against one org. Prints one line per check and a closing "N passed,
M failed" line; exits non-zero on any failure.
"""

import datetime
import sys
import traceback
import uuid

import requests
from simple_salesforce import (
    Salesforce,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)
from simple_salesforce.format import format_external_id, format_soql

API_VERSION = "68.0"
# Past one query batch (2,000), so that query_all has to follow nextRecordsUrl.
BULK_CONTACTS = 2_100
# sObject Collections take at most 200 records per call.
COLLECTION_LIMIT = 200


class Checks:
    """Runs named checks in order, keeping going after a failure, and counts them."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, check):
        try:
            detail = check()
        except Exception as error:  # a failed check is reported, never fatal
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            traceback.print_exc(limit=3, file=sys.stdout)
            return
        self.passed += 1
        print(f"ok   {name}: {detail}")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def client_credentials_token(login_url, client_id, client_secret):
    response = requests.post(
        f"{login_url}/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id,
              "client_secret": client_secret},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def main():
    login_url = sys.argv[1].rstrip("/")
    # The default org's administrator app: the checks use sfsim as any client would (deleting
    # Contacts, freezing), beyond what Gatehouse's integration user (`gatehouse-dev`) holds.
    client_id = sys.argv[2] if len(sys.argv) > 2 else "sfsim-admin"
    client_secret = sys.argv[3] if len(sys.argv) > 3 else "sfsim-admin-secret"
    run = uuid.uuid4().hex[:8]
    checks = Checks()
    state = {}

    def token():
        answer = client_credentials_token(login_url, client_id, client_secret)
        expect(answer["token_type"] == "Bearer", f"token_type {answer['token_type']!r}")
        expect(answer["instance_url"].startswith("https://"), "instance_url is not https")
        state["token"] = answer
        state["sf"] = Salesforce(instance_url=answer["instance_url"],
                                 session_id=answer["access_token"], version=API_VERSION)
        return f"instance {answer['instance_url']}"

    def sf():
        expect("sf" in state, "no connection (the token check failed)")
        return state["sf"]

    def query_fixture_contact():
        result = sf().query(
            "SELECT Id, Name, Account.Name FROM Contact WHERE Gatehouse_Key__c = 'K-101'")
        expect(result["totalSize"] == 1 and result["done"], f"answer {result}")
        record = result["records"][0]
        expect(record["Name"] == "Sam Nouser", f"Name {record['Name']!r}")
        expect(record["Account"]["Name"] == "Northwind Partners", f"Account {record['Account']}")
        expect(record["attributes"]["type"] == "Contact", "attributes.type")
        state["partner_account"] = sf().query(
            "SELECT Id FROM Account WHERE Gatehouse_Key__c = 'P-100'")["records"][0]["Id"]
        return "K-101 is Sam Nouser at Northwind Partners"

    def collections_create_many():
        account = state["partner_account"]
        ids = []
        for start in range(0, BULK_CONTACTS, COLLECTION_LIMIT):
            records = [
                {"attributes": {"type": "Contact"}, "LastName": f"Bulk {n:04d}",
                 "AccountId": account, "Gatehouse_Key__c": f"bulk-{run}-{n:04d}"}
                for n in range(start, min(start + COLLECTION_LIMIT, BULK_CONTACTS))
            ]
            results = sf().restful("composite/sobjects", method="POST",
                                   json={"allOrNone": True, "records": records})
            expect(len(results) == len(records), f"{len(results)} results for {len(records)}")
            refused = [r for r in results if not r["success"]]
            expect(not refused, f"refused: {refused[:2]}")
            ids.extend(r["id"] for r in results)
        expect(len(set(ids)) == BULK_CONTACTS, "ids are not distinct")
        state["bulk_ids"] = set(ids)
        return f"{len(ids)} Contacts in {len(range(0, BULK_CONTACTS, COLLECTION_LIMIT))} calls"

    bulk_soql = f"SELECT Id, Gatehouse_Key__c FROM Contact WHERE Gatehouse_Key__c LIKE 'bulk-{run}-%'"

    def query_first_batch():
        expect("bulk_ids" in state, "no bulk Contacts (the collections check failed)")
        first = sf().query(bulk_soql)
        expect(first["totalSize"] == BULK_CONTACTS, f"totalSize {first['totalSize']}")
        expect(not first["done"], "done on the first batch")
        expect(len(first["records"]) == 2000, f"{len(first['records'])} records in batch one")
        expect(first["nextRecordsUrl"].startswith(f"/services/data/v{API_VERSION}/query/"),
               f"nextRecordsUrl {first['nextRecordsUrl']!r}")
        rest = sf().query_more(first["nextRecordsUrl"], identifier_is_url=True)
        expect(rest["done"] and len(rest["records"]) == BULK_CONTACTS - 2000,
               f"second batch done={rest['done']} with {len(rest['records'])} records")
        return f"2000 + {len(rest['records'])} via query_more({first['nextRecordsUrl']})"

    def query_all_pages():
        expect("bulk_ids" in state, "no bulk Contacts (the collections check failed)")
        result = sf().query_all(bulk_soql)
        ids = {r["Id"] for r in result["records"]}
        expect(result["totalSize"] == BULK_CONTACTS, f"totalSize {result['totalSize']}")
        expect(ids == state["bulk_ids"], "query_all ids differ from the created ones")
        return f"{len(ids)} records, every created id once"

    def query_small_batches():
        expect("bulk_ids" in state, "no bulk Contacts (the collections check failed)")
        # Salesforce's documented way to ask for smaller batches; 200 is its minimum.
        options = {"Sforce-Query-Options": "batchSize=500"}
        first = sf().query(bulk_soql, headers=options)
        expect(len(first["records"]) == 500 and not first["done"],
               f"first batch {len(first['records'])} records, done={first['done']}")
        batches = [len(first["records"])]
        records = list(first["records"])
        page = first
        while not page["done"]:
            page = sf().query_more(page["nextRecordsUrl"], identifier_is_url=True,
                                   headers=options)
            batches.append(len(page["records"]))
            records.extend(page["records"])
        expect({r["Id"] for r in records} == state["bulk_ids"], "records differ")
        expect(batches == [500, 500, 500, 500, 100], f"batches {batches}")
        return f"batches {batches}"

    def query_all_iter_lazily():
        expect("bulk_ids" in state, "no bulk Contacts (the collections check failed)")
        seen = sum(1 for _ in sf().query_all_iter(bulk_soql))
        expect(seen == BULK_CONTACTS, f"{seen} records")
        return f"{seen} records"

    def contact_create():
        answer = sf().Contact.create({"FirstName": "Ada", "LastName": f"Create {run}",
                                      "Email": f"ada.{run}@northwind.example",
                                      "AccountId": state["partner_account"]})
        expect(answer["success"] and answer["errors"] == [], f"answer {answer}")
        expect(answer["id"].startswith("003") and len(answer["id"]) == 18, f"id {answer['id']}")
        state["contact"] = answer["id"]
        return answer["id"]

    def contact_get():
        record = sf().Contact.get(state["contact"])
        expect(record["Id"] == state["contact"], f"Id {record['Id']}")
        expect(record["Name"] == f"Ada Create {run}", f"Name {record['Name']!r}")
        expect(record["attributes"]["url"].endswith(state["contact"]), "attributes.url")
        # The 15-character form reads the same record, as on a real org.
        short = sf().Contact.get(state["contact"][:15])
        expect(short["Id"] == state["contact"], "15-character id")
        return record["Name"]

    def contact_update():
        status = sf().Contact.update(state["contact"], {"Title": "Engineer", "Phone": "555-0100"})
        expect(status == 204, f"status {status}")
        record = sf().Contact.get(state["contact"])
        expect(record["Title"] == "Engineer" and record["Phone"] == "555-0100", f"{record}")
        return "204, Title and Phone changed"

    upsert_key = f"ups-{run}"

    def contact_upsert_creates():
        response = sf().Contact.upsert(f"Gatehouse_Key__c/{upsert_key}",
                                       {"LastName": f"Upsert {run}",
                                        "AccountId": state["partner_account"]},
                                       raw_response=True)
        body = response.json()
        expect(response.status_code == 201, f"status {response.status_code}")
        expect(body["created"] is True and body["success"], f"body {body}")
        state["upserted"] = body["id"]
        return f"201 created {body['id']}"

    def contact_upsert_updates():
        response = sf().Contact.upsert(f"Gatehouse_Key__c/{upsert_key}",
                                       {"Title": "Upserted"}, raw_response=True)
        body = response.json()
        # v46.0 and later answer an update by upsert with 200 and a body, not 204.
        expect(response.status_code == 200, f"status {response.status_code}")
        expect(body["created"] is False and body["id"] == state.get("upserted"), f"body {body}")
        return "200 created=false, same id"

    def contact_get_by_custom_id():
        record = sf().Contact.get_by_custom_id("Gatehouse_Key__c", upsert_key)
        expect(record["Id"] == state.get("upserted"), f"Id {record['Id']}")
        expect(record["Title"] == "Upserted", f"Title {record['Title']!r}")
        return f"{record['Id']} Title={record['Title']}"

    def quoted_values_and_datetimes():
        name = f"O'Brien {run}"
        created = sf().Contact.create({"LastName": name, "Email": f"o'brien.{run}@example.com"})
        hour_ago = datetime.datetime.now(tz=datetime.timezone.utc) - datetime.timedelta(hours=1)
        soql = format_soql(
            "SELECT Id, LastName FROM Contact WHERE LastName = {name} AND Email IN {emails}"
            " AND CreatedDate >= {since} AND CreatedDate = TODAY",
            name=name, emails=[f"o'brien.{run}@example.com", "nobody@example.com"],
            since=hour_ago)
        found = sf().query(soql)
        expect([r["Id"] for r in found["records"]] == [created["id"]], f"{soql}: {found}")
        count = sf().query(format_soql("SELECT COUNT() FROM Contact WHERE LastName = {}", name))
        expect(count["totalSize"] == 1 and count["records"] == [], f"COUNT() {count}")
        return "apostrophe, IN list, datetime with +00:00 and TODAY; COUNT()"

    def upsert_key_with_slash_and_space():
        key = f"odd/{run} key"
        status = sf().Contact.upsert(format_external_id("Gatehouse_Key__c", key),
                                     {"LastName": f"Odd key {run}"})
        expect(status == 201, f"status {status}")
        found = sf().query(format_soql("SELECT Gatehouse_Key__c FROM Contact WHERE Gatehouse_Key__c = {}", key))
        expect(found["totalSize"] == 1, f"{found}")
        return f"created with key {key!r}"

    def upsert_on_a_shared_key_is_more_than_one_record():
        # Contact.Gatehouse_Key__c is an external id but not unique: an upsert that matches
        # two records answers 300 with their URLs.
        key = f"twice-{run}"
        ids = [sf().Contact.create({"LastName": f"Twice {n}", "Gatehouse_Key__c": key})["id"]
               for n in (1, 2)]
        try:
            sf().Contact.upsert(f"Gatehouse_Key__c/{key}", {"Title": "Which one?"})
        except SalesforceMoreThanOneRecord as error:
            expect(error.status == 300, f"status {error.status}")
            urls = sorted(error.content)
            expect([u.rsplit("/", 1)[-1] for u in urls] == sorted(ids), f"content {urls}")
            return "300 with both record URLs"
        raise AssertionError("the upsert picked a record")

    def contact_delete():
        created = sf().Contact.create({"LastName": f"Deleted {run}"})
        status = sf().Contact.delete(created["id"])
        expect(status == 204, f"status {status}")
        try:
            sf().Contact.get(created["id"])
        except SalesforceResourceNotFound:
            return "204, then 404"
        raise AssertionError("the deleted Contact is still there")

    def composite_with_reference():
        base = f"/services/data/v{API_VERSION}"
        answer = sf().restful("composite", method="POST", json={
            "allOrNone": True,
            "compositeRequest": [
                {"method": "GET", "referenceId": "account",
                 "url": f"{base}/query?q=SELECT+Id+FROM+Account+WHERE+Gatehouse_Key__c='P-100'"},
                {"method": "POST", "referenceId": "contact", "url": f"{base}/sobjects/Contact",
                 "body": {"LastName": f"Composite {run}",
                          "AccountId": "@{account.records[0].Id}"}},
                {"method": "GET", "referenceId": "readBack",
                 "url": f"{base}/sobjects/Contact/@{{contact.id}}?fields=Id,AccountId"},
            ],
        })
        replies = {r["referenceId"]: r for r in answer["compositeResponse"]}
        statuses = [replies[k]["httpStatusCode"] for k in ("account", "contact", "readBack")]
        expect(statuses == [200, 201, 200], f"statuses {statuses}: {answer}")
        read_back = replies["readBack"]["body"]
        expect(read_back["Id"] == replies["contact"]["body"]["id"], "readBack Id")
        expect(read_back["AccountId"] == state["partner_account"], "AccountId from @{account…}")
        expect(replies["contact"]["httpHeaders"].get("Location", "").endswith(read_back["Id"]),
               f"Location {replies['contact']['httpHeaders']}")
        return f"statuses {statuses}"

    def composite_all_or_none_rolls_back():
        base = f"/services/data/v{API_VERSION}"
        answer = sf().restful("composite", method="POST", json={
            "allOrNone": True,
            "compositeRequest": [
                {"method": "POST", "referenceId": "good", "url": f"{base}/sobjects/Contact",
                 "body": {"LastName": f"Rolled back {run}"}},
                {"method": "POST", "referenceId": "bad", "url": f"{base}/sobjects/Contact",
                 "body": {"FirstName": "No last name"}},
            ],
        })
        replies = {r["referenceId"]: r for r in answer["compositeResponse"]}
        expect(replies["bad"]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING",
               f"bad: {replies['bad']}")
        expect(replies["good"]["body"][0]["errorCode"] == "PROCESSING_HALTED",
               f"good: {replies['good']}")
        left = sf().query(f"SELECT Id FROM Contact WHERE LastName = 'Rolled back {run}'")
        expect(left["totalSize"] == 0, "the good Contact survived the rollback")
        return "REQUIRED_FIELD_MISSING + PROCESSING_HALTED, nothing kept"

    def collections_update_and_upsert():
        expect("bulk_ids" in state, "no bulk Contacts (the collections check failed)")
        some = sorted(state["bulk_ids"])[:3]
        updated = sf().restful("composite/sobjects", method="PATCH", json={
            "allOrNone": False,
            "records": [{"attributes": {"type": "Contact"}, "Id": i, "Title": "Collected"}
                        for i in some],
        })
        expect([r["success"] for r in updated] == [True] * 3, f"update {updated}")
        upserted = sf().restful("composite/sobjects/Contact/Gatehouse_Key__c", method="PATCH",
                                json={"allOrNone": False, "records": [
                                    {"attributes": {"type": "Contact"},
                                     "Gatehouse_Key__c": f"bulk-{run}-0000", "Title": "Again"},
                                    {"attributes": {"type": "Contact"},
                                     "Gatehouse_Key__c": f"coll-{run}", "LastName": "Collected"},
                                ]})
        expect([r.get("created") for r in upserted] == [False, True], f"upsert {upserted}")
        titles = sf().query(f"SELECT Title FROM Contact WHERE Id IN ('{some[0]}', '{some[1]}')")
        expect({r["Title"] for r in titles["records"]} <= {"Collected", "Again"}, f"{titles}")
        return "PATCH 3 updated; upsert created=[false, true]"

    def collections_report_per_record_errors():
        results = sf().restful("composite/sobjects", method="POST", json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Contact"}, "LastName": f"Kept {run}"},
                {"attributes": {"type": "Contact"}, "FirstName": "No last name"},
            ],
        })
        expect(results[0]["success"], f"first {results[0]}")
        error = results[1]["errors"][0]
        # Collections say statusCode where every other error body says errorCode.
        expect(not results[1]["success"] and error["statusCode"] == "REQUIRED_FIELD_MISSING",
               f"second {results[1]}")
        expect(error["fields"] == ["LastName"], f"fields {error['fields']}")
        return "success, then REQUIRED_FIELD_MISSING on LastName"

    def partner_user_created():
        profile = sf().query(
            "SELECT Id, UserLicense.Name FROM Profile WHERE Name = 'Partner Community User'")
        expect(profile["totalSize"] == 1, f"profile {profile}")
        contact = sf().Contact.create({"FirstName": "Pat", "LastName": f"Partner {run}",
                                       "Email": f"pat.{run}@northwind.example",
                                       "AccountId": state["partner_account"]})
        answer = sf().User.create({
            "Username": f"pat.{run}@northwind.example.sfsim",
            "FirstName": "Pat", "LastName": f"Partner {run}",
            "Email": f"pat.{run}@northwind.example", "Alias": f"p{run[:7]}",
            "CommunityNickname": f"pat.{run}",
            "TimeZoneSidKey": "Europe/London", "LocaleSidKey": "en_GB",
            "EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US",
            "ProfileId": profile["records"][0]["Id"], "ContactId": contact["id"],
        })
        expect(answer["success"] and answer["id"].startswith("005"), f"answer {answer}")
        user = sf().User.get(answer["id"])
        expect(user["IsActive"] is True and user["ContactId"] == contact["id"], f"{user}")
        expect(user["AccountId"] == state["partner_account"], "AccountId not derived")
        expect(user["UserType"] == "PowerPartner", f"UserType {user['UserType']}")
        expect(user["UserRoleId"], "no portal role")
        state["user"] = answer["id"]
        return f"{answer['id']} PowerPartner on {contact['id']}"

    def welcome_by_password_reset_and_set_password():
        expect("user" in state, "no user (the creation check failed)")
        reset = sf().restful(f"sobjects/User/{state['user']}/password", method="DELETE")
        expect(reset and reset.get("NewPassword"), f"reset {reset}")
        expect(sf().set_password(state["user"], f"Str0ng-{run}-pass!") is None, "set_password")
        expired = sf().restful(f"sobjects/User/{state['user']}/password")
        expect(expired == {"isExpired": False}, f"password status {expired}")
        return "DELETE password answers NewPassword; set_password 204"

    def partner_user_frozen_and_thawed():
        expect("user" in state, "no user (the creation check failed)")
        login = sf().query(format_soql("SELECT Id, IsFrozen FROM UserLogin WHERE UserId = {}",
                                       state["user"]))
        expect(login["totalSize"] == 1 and login["records"][0]["IsFrozen"] is False, f"{login}")
        login_id = login["records"][0]["Id"]
        expect(sf().UserLogin.update(login_id, {"IsFrozen": True}) == 204, "freeze")
        expect(sf().UserLogin.get(login_id)["IsFrozen"] is True, "not frozen")
        expect(sf().UserLogin.update(login_id, {"IsFrozen": False}) == 204, "thaw")
        return f"UserLogin {login_id} frozen and thawed"

    def partner_user_deactivated():
        expect("user" in state, "no user (the creation check failed)")
        used = "SELECT UsedLicenses FROM UserLicense WHERE Name = 'Partner Community'"
        before = sf().query(used)["records"][0]["UsedLicenses"]
        status = sf().User.update(state["user"], {"IsActive": False})
        expect(status == 204, f"status {status}")
        user = sf().User.get(state["user"])
        expect(user["IsActive"] is False, "still active")
        after = sf().query(used)["records"][0]["UsedLicenses"]
        expect(after == before - 1, f"UsedLicenses {before} -> {after}")
        return f"204, licence freed ({before} -> {after})"

    def missing_field_is_malformed_request():
        try:
            sf().Contact.create({"FirstName": "No last name"})
        except SalesforceMalformedRequest as error:
            body = error.content[0]
            expect(error.status == 400, f"status {error.status}")
            expect(body["errorCode"] == "REQUIRED_FIELD_MISSING", f"errorCode {body}")
            expect(body["fields"] == ["LastName"], f"fields {body['fields']}")
            return f"400 {body['errorCode']}: {body['message']}"
        raise AssertionError("the create was accepted")

    def unknown_record_is_not_found():
        try:
            sf().Contact.get("003000000000000AAA")
        except SalesforceResourceNotFound as error:
            expect(error.content[0]["errorCode"] == "NOT_FOUND", f"{error.content}")
            return "404 NOT_FOUND"
        raise AssertionError("a record came back")

    def limits_and_usage():
        limits = sf().limits()
        daily = limits["DailyApiRequests"]
        expect(daily["Max"] == 100_000 and 0 <= daily["Remaining"] < daily["Max"], f"{daily}")
        usage = sf().api_usage["api-usage"]
        expect(usage.total == 100_000 and usage.used > 0, f"api_usage {usage}")
        return f"DailyApiRequests {daily}, Sforce-Limit-Info used={usage.used}"

    def describe_external_id():
        fields = {f["name"]: f for f in sf().Contact.describe()["fields"]}
        key = fields["Gatehouse_Key__c"]
        expect(key["externalId"] is True and key["type"] == "string", f"{key}")
        names = {o["name"] for o in sf().describe()["sobjects"]}
        expect({"Contact", "User", "UserLogin"} <= names, f"sobjects {sorted(names)[:10]}")
        return "Gatehouse_Key__c is an external id"

    def revoked_token_is_expired_session():
        revoked = requests.post(f"{login_url}/services/oauth2/revoke",
                                data={"token": state["token"]["access_token"]}, timeout=30)
        expect(revoked.status_code == 200, f"revoke {revoked.status_code}")
        try:
            sf().query("SELECT Id FROM Contact LIMIT 1")
        except SalesforceExpiredSession as error:
            expect(error.content[0]["errorCode"] == "INVALID_SESSION_ID", f"{error.content}")
            return "401 INVALID_SESSION_ID"
        raise AssertionError("the revoked token still works")

    for name, check in [
        ("token from sfsim's token endpoint (client credentials)", token),
        ("query with a parent relationship", query_fixture_contact),
        (f"collections create {BULK_CONTACTS} Contacts", collections_create_many),
        ("query: first batch of 2,000, query_more for the rest", query_first_batch),
        ("query_all follows nextRecordsUrl", query_all_pages),
        ("query with Sforce-Query-Options batchSize", query_small_batches),
        ("query_all_iter", query_all_iter_lazily),
        ("Contact.create", contact_create),
        ("Contact.get", contact_get),
        ("Contact.update", contact_update),
        ("Contact.upsert by Gatehouse_Key__c creates", contact_upsert_creates),
        ("Contact.upsert by Gatehouse_Key__c updates", contact_upsert_updates),
        ("Contact.get_by_custom_id", contact_get_by_custom_id),
        ("format_soql quoting, datetimes and COUNT()", quoted_values_and_datetimes),
        ("upsert by format_external_id with '/' and ' '", upsert_key_with_slash_and_space),
        ("upsert matching two records raises SalesforceMoreThanOneRecord", upsert_on_a_shared_key_is_more_than_one_record),
        ("Contact.delete", contact_delete),
        ("composite with references", composite_with_reference),
        ("composite allOrNone rolls back", composite_all_or_none_rolls_back),
        ("collections update and upsert", collections_update_and_upsert),
        ("collections per-record errors", collections_report_per_record_errors),
        ("partner User on a Contact", partner_user_created),
        ("password reset (welcome email) and set_password", welcome_by_password_reset_and_set_password),
        ("freeze through UserLogin", partner_user_frozen_and_thawed),
        ("User deactivation", partner_user_deactivated),
        ("missing required field raises SalesforceMalformedRequest", missing_field_is_malformed_request),
        ("unknown id raises SalesforceResourceNotFound", unknown_record_is_not_found),
        ("limits() and api_usage", limits_and_usage),
        ("describe", describe_external_id),
        ("revoked token raises SalesforceExpiredSession", revoked_token_is_expired_session),
    ]:
        checks.run(name, check)

    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())

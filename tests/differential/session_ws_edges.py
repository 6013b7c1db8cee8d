"""A second websocket differential session: edge cases of every action.

Missing, wrong-typed, empty and boundary parameters; malformed envelopes and
headers; unknown actions; ids that are malformed or belong to nothing. It
reuses the runner and normaliser of `session_ws`; a step's frame may be built
from earlier answers (to reuse a message, claim or subscription id). Frames
that make Zaqar drop the connection come last, each on a connection of its
own.

`KNOWN` lists the steps where the reference server follows MongoDB and the
real server's Redis driver answers differently.
"""

from __future__ import annotations

from typing import Any

from tests.differential.session_ws import CLIENT, Replies, Report, Step, compare

OTHER_CLIENT = "7f0c2a6e-5a1b-4c3d-9e8f-0123456789ab"
MISSING_ID = "5" * 24  # well-formed, names nothing

# step name -> why the two servers may differ there
_STATS = ("Redis puts the whole message (ttl, body, claim_id, claim_count) in oldest/newest; "
          "MongoDB's stat entry is {id, age, created}.")
KNOWN: dict[str, str] = {
    "stats populated": _STATS,
    "stats after pops": _STATS,
    "message_list include_claimed": "Redis's message list without a marker passes None to "
                                    "ZRANK when include_claimed is true and answers 500; "
                                    "MongoDB lists the claimed messages too.",
    "message_list include_claimed no echo": "The same Redis include_claimed crash (500); "
                                            "MongoDB answers the (here empty) page.",
    "message_list missing queue": "Redis's message list raises QueueDoesNotExist (404); "
                                  "MongoDB answers an empty page.",
    "message_delete claimed wrong claim": "For a well-formed claim id that is not the "
                                          "message's claim, MongoDB answers 403 (not claimed "
                                          "by it); Redis takes any id that is not a UUID, or "
                                          "not an existing claim, as a missing claim (400).",
    "message_delete missing malformed claim": "MongoDB rejects a malformed claim id (400) "
                                              "before looking the message up; Redis answers "
                                              "204 for a missing message first.",
    "message_get_many duplicates": "Redis answers a message once per time its id is listed; "
                                   "MongoDB's $in query answers each message once.",
    "claim_create nothing left": "Redis answers 204 with a fresh claim id even when nothing "
                                 "was claimed; MongoDB's claim id is null.",
    "delete_many pop 1": "Redis pops by claiming the messages first, so a popped message "
                         "carries that internal claim's id; MongoDB's popped message carries "
                         "its own (released, so null) claim id.",
}


def steps(project: str) -> list[Step]:
    h = {"Client-ID": CLIENT, "X-Project-ID": project}

    def rq(action: Any, body: Any = None, headers: Any = None, **extra: Any) -> dict[str, Any]:
        doc: dict[str, Any] = {"action": action, "headers": h if headers is None else headers}
        if body is not None:
            doc["body"] = body
        doc.update(extra)
        return doc

    def hdr(**changes: Any) -> dict[str, Any]:
        out = dict(h)
        for name, value in changes.items():
            key = name.replace("_", "-")
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    def msg_id(step: str, index: int = 0) -> Any:
        return lambda r: r[step]["body"]["message_ids"][index]

    def claim_id(step: str) -> Any:
        return lambda r: r[step]["body"]["claim_id"]

    def dyn(action: str, body: dict[str, Any], **ids: Any) -> Any:
        """A frame whose fields in `ids` are read from earlier answers."""
        def build(r: Replies) -> dict[str, Any]:
            doc = dict(body)
            for key, get in ids.items():
                doc[key] = [g(r) for g in get] if isinstance(get, list) else get(r)
            return rq(action, doc)
        return build

    eq = {"queue_name": "eq"}
    q64, q65 = "q" * 64, "q" * 65
    hook = "http://127.0.0.1:9/edge"

    def post(*messages: Any, queue: str = "eq") -> dict[str, Any]:
        return rq("message_post", {"queue_name": queue, "messages": list(messages)})

    envelope = [
        Step("text empty", ""),
        Step("text null", "null"),
        Step("text number", "42"),
        Step("text string", '"queue_list"'),
        Step("text trailing garbage", '{"action": "queue_list"} x'),
        Step("text single quotes", "{'action': 'queue_list'}"),
        Step("action missing", {"headers": h, "body": {}}),
        Step("action empty", rq("", {})),
        Step("action number", rq(5, {})),
        Step("action true", rq(True, {})),
        Step("action wrong case", rq("Queue_List")),
        Step("action null", rq(None, {})),
        Step("pool_create schema fail", rq("pool_create", {"weight": 1})),
        Step("headers missing", {"action": "queue_create", "body": eq}),
        Step("headers list", rq("queue_list", headers=[])),
        Step("headers string", rq("queue_list", headers="Client-ID")),
        Step("headers null", {"action": "queue_list", "headers": None}),
        Step("Client-ID absent", rq("queue_list", headers=hdr(Client_ID=None))),
        Step("X-Project-ID absent", rq("queue_list", headers=hdr(X_Project_ID=None))),
        Step("Client-ID int", rq("queue_list", headers=hdr(Client_ID=5))),
        Step("X-Project-ID int", rq("queue_list", headers=hdr(X_Project_ID=7))),
        Step("User-Agent int", rq("queue_list", headers=hdr(User_Agent=1))),
        Step("X-Auth-Token list", rq("queue_list", headers=hdr(X_Auth_Token=["t"]))),
        Step("unknown header int", rq("queue_list", headers=hdr(X_Extra=5))),
        Step("body list", rq("queue_create", [1])),
        Step("body string", rq("queue_list", "limit")),
        Step("body null", {"action": "queue_list", "headers": h, "body": None}),
        Step("body missing", rq("queue_get")),
        Step("queue_name missing", rq("queue_get", {})),
        Step("queue_name int", rq("queue_delete", {"queue_name": 3})),
        Step("queue_name null", rq("queue_get_stats", {"queue_name": None})),
        Step("Client-ID not uuid (queue_list)", rq("queue_list", headers=hdr(Client_ID="me"))),
        Step("X-Project-ID empty", rq("queue_list", headers=hdr(X_Project_ID=""))),
    ]

    queues = [
        Step("queue_create empty name", rq("queue_create", {"queue_name": ""})),
        Step("queue_create 64", rq("queue_create", {"queue_name": q64})),
        Step("queue_create 65", rq("queue_create", {"queue_name": q65})),
        Step("queue_create dot", rq("queue_create", {"queue_name": "a.b"})),
        Step("queue_create slash", rq("queue_create", {"queue_name": "a/b"})),
        Step("queue_create unicode", rq("queue_create", {"queue_name": "caf\u00e9"})),
        Step("queue_create project too long", rq(
            "queue_create", eq, hdr(X_Project_ID="p" * 257))),
        Step("queue_create metadata list", rq("queue_create", {"queue_name": "mq",
                                                               "metadata": [1]})),
        Step("queue_create metadata string", rq("queue_create", {"queue_name": "mq",
                                                                 "metadata": "m"})),
        Step("queue_create default ttl string", rq("queue_create", {
            "queue_name": "mq", "metadata": {"_default_message_ttl": "x"}})),
        Step("queue_create default ttl 59", rq("queue_create", {
            "queue_name": "mq", "metadata": {"_default_message_ttl": 59}})),
        Step("queue_create max post size string", rq("queue_create", {
            "queue_name": "mq", "metadata": {"_max_messages_post_size": "big"}})),
        Step("queue_create metadata too large", rq("queue_create", {
            "queue_name": "mq", "metadata": {"k": "v" * 65536}})),
        Step("queue_create eq", rq("queue_create", {"queue_name": "eq", "metadata": {"k": "v"}})),
        Step("queue_create eq again", rq("queue_create", {"queue_name": "eq",
                                                          "metadata": {"k": "w"}})),
        Step("queue_create lq1", rq("queue_create", {"queue_name": "lq1"})),
        Step("queue_create lq2", rq("queue_create", {"queue_name": "lq2",
                                                     "metadata": {"n": 2}})),
        Step("queue_get eq", rq("queue_get", eq)),
        Step("queue_get bad name", rq("queue_get", {"queue_name": "bad name"})),
        Step("queue_get empty name", rq("queue_get", {"queue_name": ""})),
        Step("queue_list all", rq("queue_list", {})),
        Step("queue_list no body", rq("queue_list")),
        Step("queue_list limit 1", rq("queue_list", {"limit": 1})),
        Step("queue_list limit 2 marker", rq("queue_list", {"limit": 2, "marker": "eq"})),
        Step("queue_list marker past end", rq("queue_list", {"marker": "zzz"})),
        Step("queue_list marker empty", rq("queue_list", {"marker": ""})),
        Step("queue_list limit 0", rq("queue_list", {"limit": 0})),
        Step("queue_list limit -1", rq("queue_list", {"limit": -1})),
        Step("queue_list limit 20", rq("queue_list", {"limit": 20})),
        Step("queue_list limit 21", rq("queue_list", {"limit": 21})),
        Step("queue_list limit huge", rq("queue_list", {"limit": 2 ** 40})),
        Step("queue_list limit string", rq("queue_list", {"limit": "2"})),
        Step("queue_list limit float", rq("queue_list", {"limit": 1.0})),
        Step("queue_list marker int", rq("queue_list", {"marker": 5})),
        Step("queue_list detailed", rq("queue_list", {"detailed": True, "limit": 3})),
        Step("queue_list detailed false", rq("queue_list", {"detailed": False})),
        Step("queue_list detailed string", rq("queue_list", {"detailed": "true"})),
        Step("queue_list stray ttl", rq("queue_list", {"ttl": "x"})),
        Step("queue_list stray ttl int", rq("queue_list", {"ttl": 5})),
        Step("queue_list stray echo", rq("queue_list", {"echo": True, "limit": 1})),
        Step("queue_list stray grace list", rq("queue_list", {"grace": [1]})),
        Step("stats missing", rq("queue_get_stats", {"queue_name": "nope"})),
        Step("stats empty", rq("queue_get_stats", {"queue_name": "lq1"})),
        Step("stats bad name", rq("queue_get_stats", {"queue_name": "bad name"})),
        Step("queue_delete missing", rq("queue_delete", {"queue_name": "nope"})),
        Step("queue_delete bad name", rq("queue_delete", {"queue_name": "bad name"})),
        Step("queue_purge bogus type", rq("queue_purge", {"queue_name": "lq1",
                                                          "resource_types": ["bogus"]})),
        Step("queue_purge empty types", rq("queue_purge", {"queue_name": "lq1",
                                                           "resource_types": []})),
        Step("queue_purge types string", rq("queue_purge", {"queue_name": "lq1",
                                                            "resource_types": "messages"})),
    ]

    messages = [
        Step("message_post messages missing", rq("message_post", eq)),
        Step("message_post messages null", rq("message_post", {"queue_name": "eq",
                                                               "messages": None})),
        Step("message_post messages object", rq("message_post", {"queue_name": "eq",
                                                                 "messages": {"body": 1}})),
        Step("message_post empty list", post()),
        Step("message_post int item", post(1)),
        Step("message_post string item", post("x")),
        Step("message_post no body", post({})),
        Step("message_post ttl string", post({"body": 1, "ttl": "60"})),
        Step("message_post ttl 59", post({"body": 1, "ttl": 59})),
        Step("message_post ttl too big", post({"body": 1, "ttl": 1209601})),
        Step("message_post ttl true", post({"body": 1, "ttl": True})),
        Step("message_post ttl float", post({"body": 1, "ttl": 1.5})),
        Step("message_post ttl null", post({"body": 1, "ttl": None})),
        Step("message_post one bad of two", post({"body": 1, "ttl": 60},
                                                 {"body": 2, "ttl": 30})),
        Step("message_post body null", post({"body": None, "ttl": 60})),
        Step("message_post batch", post({"body": {}, "ttl": 60},
                                        {"body": [], "ttl": 1209600},
                                        {"body": "", "delay": 30})),
        Step("message_post queue 65", post({"body": 1}, queue=q65)),
        Step("message_post bad queue", post({"body": 1}, queue="bad name")),
        Step("message_post too large", post({"body": "x" * 262144})),
        Step("message_post Client-ID empty", rq("message_post", {
            "queue_name": "eq", "messages": [{"body": 1}]}, hdr(Client_ID=""))),
        Step("message_post project too long", rq("message_post", {
            "queue_name": "fresh", "messages": [{"body": 1}]}, hdr(X_Project_ID="p" * 257))),
        Step("message_list echo default", rq("message_list", eq)),
        Step("message_list echo", rq("message_list", {"queue_name": "eq", "echo": True})),
        Step("message_list echo limit 2", rq("message_list", {"queue_name": "eq", "echo": True,
                                                              "limit": 2})),
        Step("message_list limit 0", rq("message_list", {"queue_name": "eq", "limit": 0})),
        Step("message_list limit -1", rq("message_list", {"queue_name": "eq", "limit": -1})),
        Step("message_list limit 21", rq("message_list", {"queue_name": "eq", "limit": 21})),
        Step("message_list limit huge", rq("message_list", {"queue_name": "eq",
                                                            "limit": 2 ** 40})),
        Step("message_list limit string", rq("message_list", {"queue_name": "eq",
                                                              "limit": "5"})),
        Step("message_list echo string", rq("message_list", {"queue_name": "eq",
                                                             "echo": "true"})),
        Step("message_list other client", rq("message_list", eq, hdr(Client_ID=OTHER_CLIENT))),
        Step("message_list Client-ID not uuid", rq("message_list", eq, hdr(Client_ID="me"))),
        Step("message_list include_delayed", rq("message_list", {
            "queue_name": "eq", "echo": True, "include_delayed": True, "limit": 1})),
        Step("message_list stray grace", rq("message_list", {"queue_name": "eq",
                                                             "grace": "x"})),
        Step("message_list stray ttl int", rq("message_list", {"queue_name": "eq", "ttl": 5})),
        Step("message_list stray detailed", rq("message_list", {"queue_name": "eq",
                                                                "detailed": True})),
        Step("message_list missing queue", rq("message_list", {"queue_name": "nope"})),
        Step("message_get first", dyn("message_get", eq,
                                      message_id=msg_id("message_post body null"))),
        Step("message_get malformed", rq("message_get", {"queue_name": "eq",
                                                          "message_id": "zzz"})),
        Step("message_get empty id", rq("message_get", {"queue_name": "eq", "message_id": ""})),
        Step("message_get id int", rq("message_get", {"queue_name": "eq", "message_id": 7})),
        Step("message_get id missing", rq("message_get", eq)),
        Step("message_get_many empty", rq("message_get_many", {"queue_name": "eq",
                                                              "message_ids": []})),
        Step("message_get_many 21", rq("message_get_many", {"queue_name": "eq",
                                                           "message_ids": ["a"] * 21})),
        Step("message_get_many string", rq("message_get_many", {"queue_name": "eq",
                                                               "message_ids": "abc"})),
        Step("message_get_many missing ids", rq("message_get_many", eq)),
        Step("message_get_many malformed", rq("message_get_many", {
            "queue_name": "eq", "message_ids": ["zzz", MISSING_ID]})),
        Step("message_get_many mixed", dyn("message_get_many", eq, message_ids=[
            msg_id("message_post batch", 1), lambda r: "zzz"])),
        Step("message_get_many all", dyn("message_get_many", eq, message_ids=[
            msg_id("message_post body null"), msg_id("message_post batch", 0),
            msg_id("message_post batch", 2)])),
    ]

    claims = [
        Step("claim_create ttl 59", rq("claim_create", {"queue_name": "eq", "ttl": 59})),
        Step("claim_create ttl too big", rq("claim_create", {"queue_name": "eq",
                                                             "ttl": 43201})),
        Step("claim_create grace too big", rq("claim_create", {"queue_name": "eq",
                                                               "grace": 43201})),
        Step("claim_create grace -1", rq("claim_create", {"queue_name": "eq", "grace": -1})),
        Step("claim_create limit 0", rq("claim_create", {"queue_name": "eq", "limit": 0})),
        Step("claim_create limit 21", rq("claim_create", {"queue_name": "eq", "limit": 21})),
        Step("claim_create limit -1", rq("claim_create", {"queue_name": "eq", "limit": -1})),
        Step("claim_create grace 0", rq("claim_create", {"queue_name": "eq", "grace": 0})),
        Step("claim_create ttl 59 limit 0", rq("claim_create", {"queue_name": "eq", "ttl": 59,
                                                                "limit": 0})),
        Step("claim_create limit 0 grace -1", rq("claim_create", {
            "queue_name": "eq", "limit": 0, "grace": -1})),
        Step("claim_create ttl string", rq("claim_create", {"queue_name": "eq", "ttl": "60"})),
        Step("claim_create limit null", rq("claim_create", {"queue_name": "eq", "limit": None})),
        Step("claim_create ttl true", rq("claim_create", {"queue_name": "eq", "ttl": True})),
        # The claim outlives the two 60 s messages whatever the clock: both servers extend
        # them to ttl + grace (a 60 s claim would extend them only across a second boundary).
        Step("claim_create two", rq("claim_create", {"queue_name": "eq", "ttl": 100,
                                                     "grace": 60, "limit": 2})),
        Step("message_list unclaimed", rq("message_list", {"queue_name": "eq", "echo": True})),
        Step("message_list include_claimed", rq("message_list", {
            "queue_name": "eq", "echo": True, "include_claimed": True})),
        Step("message_list include_claimed no echo", rq("message_list", {
            "queue_name": "eq", "include_claimed": True})),
        Step("claim_get", dyn("claim_get", eq, claim_id=claim_id("claim_create two"))),
        Step("claim_get malformed", rq("claim_get", {"queue_name": "eq", "claim_id": "zzz"})),
        Step("claim_get missing", rq("claim_get", {"queue_name": "eq", "claim_id": MISSING_ID})),
        Step("claim_get missing queue", rq("claim_get", {"queue_name": "nope",
                                                         "claim_id": MISSING_ID})),
        Step("claim_update ttl 59", dyn("claim_update", {"queue_name": "eq", "ttl": 59},
                                        claim_id=claim_id("claim_create two"))),
        Step("claim_update ttl too big", dyn("claim_update", {"queue_name": "eq", "ttl": 43201},
                                             claim_id=claim_id("claim_create two"))),
        Step("claim_update ttl string", dyn("claim_update", {"queue_name": "eq", "ttl": "x"},
                                            claim_id=claim_id("claim_create two"))),
        Step("claim_update grace string", dyn("claim_update", {"queue_name": "eq",
                                                               "grace": "x"},
                                              claim_id=claim_id("claim_create two"))),
        Step("claim_update missing", rq("claim_update", {"queue_name": "eq",
                                                         "claim_id": MISSING_ID, "ttl": 60})),
        Step("claim_update malformed", rq("claim_update", {"queue_name": "eq",
                                                           "claim_id": "zzz", "ttl": 60})),
        Step("claim_update", dyn("claim_update", {"queue_name": "eq", "ttl": 120, "grace": 30},
                                 claim_id=claim_id("claim_create two"))),
        Step("claim_get after update", dyn("claim_get", eq,
                                           claim_id=claim_id("claim_create two"))),
        Step("message_delete claimed no claim", dyn(
            "message_delete", eq, message_id=msg_id("message_post body null"))),
        Step("message_delete claimed wrong claim", dyn(
            "message_delete", {"queue_name": "eq", "claim_id": MISSING_ID},
            message_id=msg_id("message_post body null"))),
        Step("message_delete claimed unknown uuid claim", dyn(
            "message_delete", {"queue_name": "eq", "claim_id": OTHER_CLIENT},
            message_id=msg_id("message_post body null"))),
        Step("message_delete claimed malformed claim", dyn(
            "message_delete", {"queue_name": "eq", "claim_id": "zzz"},
            message_id=msg_id("message_post body null"))),
        Step("message_delete unclaimed with claim", dyn(
            "message_delete", eq, message_id=msg_id("message_post batch", 2),
            claim_id=claim_id("claim_create two"))),
        Step("message_delete claim_id int", dyn(
            "message_delete", {"queue_name": "eq", "claim_id": 5},
            message_id=msg_id("message_post body null"))),
        Step("message_delete with claim", dyn(
            "message_delete", eq, message_id=msg_id("message_post body null"),
            claim_id=claim_id("claim_create two"))),
        Step("message_delete missing malformed claim", rq("message_delete", {
            "queue_name": "eq", "message_id": MISSING_ID, "claim_id": "zzz"})),
        Step("message_delete missing", rq("message_delete", {"queue_name": "eq",
                                                             "message_id": MISSING_ID})),
        Step("message_delete malformed", rq("message_delete", {"queue_name": "eq",
                                                               "message_id": "zzz"})),
        Step("claim_create rest", rq("claim_create", {"queue_name": "eq", "limit": 20})),
        Step("claim_create nothing left", rq("claim_create", {"queue_name": "eq"})),
        Step("stats populated", rq("queue_get_stats", eq)),
        Step("claim_delete", dyn("claim_delete", eq, claim_id=claim_id("claim_create rest"))),
        Step("claim_delete malformed", rq("claim_delete", {"queue_name": "eq",
                                                           "claim_id": "zzz"})),
        Step("claim_delete again", dyn("claim_delete", eq,
                                       claim_id=claim_id("claim_create rest"))),
        Step("message_list after release", rq("message_list", {"queue_name": "eq",
                                                               "echo": True})),
    ]

    deletes = [
        Step("delete_many nothing", rq("message_delete_many", eq)),
        Step("delete_many ids and pop", rq("message_delete_many", {
            "queue_name": "eq", "message_ids": [MISSING_ID], "pop": 1})),
        Step("delete_many ids empty", rq("message_delete_many", {"queue_name": "eq",
                                                                 "message_ids": []})),
        Step("delete_many ids 21", rq("message_delete_many", {"queue_name": "eq",
                                                              "message_ids": ["a"] * 21})),
        Step("delete_many pop 0", rq("message_delete_many", {"queue_name": "eq", "pop": 0})),
        Step("delete_many pop -1", rq("message_delete_many", {"queue_name": "eq", "pop": -1})),
        Step("delete_many pop 21", rq("message_delete_many", {"queue_name": "eq", "pop": 21})),
        Step("delete_many pop string", rq("message_delete_many", {"queue_name": "eq",
                                                                  "pop": "1"})),
        Step("delete_many ids string", rq("message_delete_many", {"queue_name": "eq",
                                                                  "message_ids": "abc"})),
        Step("delete_many claim_ids only", rq("message_delete_many", {
            "queue_name": "eq", "claim_ids": [MISSING_ID]})),
        Step("delete_many malformed ids", rq("message_delete_many", {
            "queue_name": "eq", "message_ids": ["zzz", MISSING_ID]})),
        Step("delete_many one", dyn("message_delete_many", eq, message_ids=[
            msg_id("message_post batch", 0)])),
        Step("message_get deleted", dyn("message_get", eq,
                                        message_id=msg_id("message_post batch", 0))),
        Step("delete_many pop 1", rq("message_delete_many", {"queue_name": "eq", "pop": 1})),
        Step("delete_many pop empty queue", rq("message_delete_many", {"queue_name": "lq1",
                                                                       "pop": 5})),
        Step("stats after pops", rq("queue_get_stats", eq)),
        Step("message_list after pops", rq("message_list", {"queue_name": "eq",
                                                            "echo": True})),
    ]

    subs = [
        Step("sub ftp scheme", rq("subscription_create", {"queue_name": "sq",
                                                          "subscriber": "ftp://x/y"})),
        Step("sub no scheme", rq("subscription_create", {"queue_name": "sq",
                                                         "subscriber": "example.com/hook"})),
        Step("sub subscriber int", rq("subscription_create", {"queue_name": "sq",
                                                              "subscriber": 5})),
        Step("sub ttl 59", rq("subscription_create", {"queue_name": "sq", "subscriber": hook,
                                                      "ttl": 59})),
        Step("sub ttl -1", rq("subscription_create", {"queue_name": "sq", "subscriber": hook,
                                                      "ttl": -1})),
        Step("sub ttl huge", rq("subscription_create", {"queue_name": "sq", "subscriber": hook,
                                                        "ttl": 2 ** 62})),
        Step("sub ttl string", rq("subscription_create", {"queue_name": "sq",
                                                          "subscriber": hook, "ttl": "60"})),
        Step("sub ttl true", rq("subscription_create", {"queue_name": "sq",
                                                        "subscriber": hook, "ttl": True})),
        Step("sub options list", rq("subscription_create", {"queue_name": "sq",
                                                            "subscriber": hook,
                                                            "options": []})),
        Step("sub retry policy string", rq("subscription_create", {
            "queue_name": "sq", "subscriber": hook, "options": {"_retry_policy": "x"}})),
        Step("sub queue 65", rq("subscription_create", {"queue_name": q65,
                                                        "subscriber": hook})),
        Step("sub bad queue", rq("subscription_create", {"queue_name": "bad name",
                                                         "subscriber": hook})),
        Step("sub ttl 60", rq("subscription_create", {"queue_name": "sq", "subscriber": hook,
                                                      "ttl": 60, "options": {"a": 1}})),
        Step("sub dup", rq("subscription_create", {"queue_name": "sq", "subscriber": hook,
                                                   "ttl": 300})),
        Step("sub upper scheme", rq("subscription_create", {
            "queue_name": "sq", "subscriber": "HTTPS://127.0.0.1:9/up", "ttl": 600})),
        Step("sub mailto", rq("subscription_create", {
            "queue_name": "sq", "subscriber": "mailto:edge@example.com", "ttl": 600})),
        Step("sub list", rq("subscription_list", {"queue_name": "sq"})),
        Step("sub single", rq("subscription_create", {"queue_name": "sq1", "subscriber": hook})),
        Step("sub list limit 1", rq("subscription_list", {"queue_name": "sq1", "limit": 1})),
        Step("sub list limit 0", rq("subscription_list", {"queue_name": "sq", "limit": 0})),
        Step("sub list limit 21", rq("subscription_list", {"queue_name": "sq", "limit": 21})),
        Step("sub list limit string", rq("subscription_list", {"queue_name": "sq1",
                                                               "limit": "1"})),
        Step("sub list limit float", rq("subscription_list", {"queue_name": "sq1",
                                                              "limit": 1.5})),
        Step("sub list limit list", rq("subscription_list", {"queue_name": "sq1",
                                                             "limit": [1]})),
        Step("sub list stray echo", rq("subscription_list", {"queue_name": "sq1",
                                                             "echo": True})),
        Step("sub list limit junk", rq("subscription_list", {"queue_name": "sq",
                                                             "limit": "x"})),
        Step("sub list missing queue", rq("subscription_list", {"queue_name": "nope"})),
        Step("sub get", dyn("subscription_get", {"queue_name": "sq"},
                            subscription_id=lambda r: r["sub ttl 60"]["body"]["subscription_id"])),
        Step("sub get malformed", rq("subscription_get", {"queue_name": "sq",
                                                          "subscription_id": "zzz"})),
        Step("sub get missing", rq("subscription_get", {"queue_name": "sq",
                                                        "subscription_id": MISSING_ID})),
        Step("sub get id int", rq("subscription_get", {"queue_name": "sq",
                                                       "subscription_id": 1})),
        Step("sub delete", dyn("subscription_delete", {"queue_name": "sq"},
                               subscription_id=lambda r: r["sub ttl 60"]["body"][
                                   "subscription_id"])),
        Step("sub delete malformed", rq("subscription_delete", {"queue_name": "sq",
                                                                "subscription_id": "zzz"})),
        Step("sub get deleted", dyn("subscription_get", {"queue_name": "sq"},
                                    subscription_id=lambda r: r["sub ttl 60"]["body"][
                                        "subscription_id"])),
        Step("sub create again", rq("subscription_create", {"queue_name": "sq",
                                                            "subscriber": hook})),
        Step("sub purge", rq("queue_purge", {"queue_name": "sq",
                                             "resource_types": ["subscriptions"]})),
        Step("sub list after purge", rq("subscription_list", {"queue_name": "sq"})),
    ]

    extras = [
        Step("queue_purge missing queue", rq("queue_purge", {"queue_name": "nope"})),
        Step("queue_create post cap", rq("queue_create", {
            "queue_name": "pc", "metadata": {"_max_messages_post_size": 40,
                                             "_default_message_ttl": 120}})),
        Step("message_post over queue cap", post({"body": "x" * 40}, queue="pc")),
        Step("message_post queue default ttl", post({"body": 1}, queue="pc")),
        Step("message_list queue default ttl", rq("message_list", {"queue_name": "pc",
                                                                   "echo": True})),
        Step("message_get_many ints", rq("message_get_many", {"queue_name": "pc",
                                                             "message_ids": [1, 2]})),
        Step("message_get_many duplicates", dyn("message_get_many", {"queue_name": "pc"},
                                                message_ids=[
                                                    msg_id("message_post queue default ttl"),
                                                    msg_id("message_post queue default ttl")])),
        Step("delete_many ids ints", rq("message_delete_many", {"queue_name": "pc",
                                                                "message_ids": [1]})),
        Step("claim_create pc", rq("claim_create", {"queue_name": "pc", "ttl": 100})),
        Step("claim_update no ttl", dyn("claim_update", {"queue_name": "pc"},
                                        claim_id=claim_id("claim_create pc"))),
        Step("claim_get after default update", dyn("claim_get", {"queue_name": "pc"},
                                                   claim_id=claim_id("claim_create pc"))),
        Step("sub ttl 0", rq("subscription_create", {"queue_name": "sq0", "subscriber": hook,
                                                     "ttl": 0})),
    ]

    cleanup = [
        Step(f"queue_delete {name[:8]}", rq("queue_delete", {"queue_name": name}))
        for name in ("eq", "lq1", "lq2", "sq", "sq1", "sq0", "pc", "a.b", q64)
    ] + [Step("queue_list after cleanup", rq("queue_list", {"detailed": True}))]

    # Frames Zaqar answers by raising in its handler: it sends nothing and drops the link.
    dropping = [
        Step("drop: action list", rq(["queue_list"], {}), fresh=True),
        Step("drop: action object", rq({"a": 1}, {}), fresh=True),
        Step("drop: authenticate without auth", rq(
            "authenticate", headers=hdr(X_Auth_Token="t")), fresh=True),
        Step("drop: get_home_doc", rq("get_home_doc"), fresh=True),
        Step("drop: ping_node", rq("ping_node", {}), fresh=True),
        Step("drop: check_node_health", rq("check_node_health"), fresh=True),
        Step("drop: pool_list", rq("pool_list", {"pool_name": "p"}), fresh=True),
        Step("drop: flavor_get", rq("flavor_get", {"flavor_name": "f"}), fresh=True),
    ]
    return envelope + queues + messages + claims + deletes + subs + extras + cleanup + dropping


def compare_edges(url_a: str, url_b: str) -> Report:
    return compare(url_a, url_b, steps, KNOWN, listen=False, title="websocket edge session",
                   unordered=("subscriptions",))

"""Drives the member calls and schema reads of openstacksdk against a sandbox; prints one JSON line per step.

Usage: python3 openstacksdk_members.py BASE_URL IMAGE_ID MEMBER_ID OWNER_TOKEN MEMBER_TOKEN

No Keystone: the admin_token plugin sends the token as X-Auth-Token to a fixed endpoint, which
must include the API version (BASE_URL/v2), since that plugin skips version discovery.
"""

import json
import sys

import openstack
from openstack import exceptions


def connect(base_url, token):
    return openstack.connection.Connection(
        auth_type="admin_token", auth={"endpoint": base_url + "/v2", "token": token}
    )


def member_fields(member):
    return {
        "member_id": member.member_id,
        "image_id": member.image_id,
        "status": member.status,
        "created_at": member.created_at,
        "updated_at": member.updated_at,
    }


def report(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def main():
    base_url, image_id, member_id, owner_token, member_token = sys.argv[1:6]
    owner = connect(base_url, owner_token)
    member = connect(base_url, member_token)

    report(
        "schemas",
        member=owner.image.get_member_schema().properties,
        members=member.image.get_members_schema().properties,
    )
    report("create", **member_fields(owner.image.add_member(image_id, member_id=member_id)))
    report("list", members=[member_fields(m) for m in owner.image.members(image_id)])
    report("update", **member_fields(member.image.update_member(member_id, image_id, status="accepted")))
    report("get", **member_fields(member.image.get_member(member_id, image_id)))
    owner.image.remove_member(member_id, image_id)
    report("delete", members=[member_fields(m) for m in owner.image.members(image_id)])
    try:
        member.image.get_member(member_id, image_id)
        report("get-after-delete", error=None)
    except exceptions.NotFoundException as error:
        report("get-after-delete", error=error.status_code)


if __name__ == "__main__":
    main()

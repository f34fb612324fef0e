// The request and response bodies of the IMS API reference pages, copied as data. The contract
// must accept each of them unchanged. Add, list and batch add come from the seed pages (English and
// Chinese editions agree); batch answer and batch removal from the Open Telekom Cloud API reference
// pages that ims-api-facts.md §8 and §9 cite (updating_the_sharing_status_for_images.rst,
// deleting_image_sharing_members.rst), which give the same response body as batch add.
export const seedBodies = {
  addImageMember: {
    requests: [{ member: "edc89b490d7d4392898e19b2deb34797" }],
    response: {
      status: "pending",
      created_at: "2016-09-01T02:05:14Z",
      updated_at: "2016-09-01T02:05:14Z",
      image_id: "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
      member_id: "edc89b490d7d4392898e19b2deb34797",
      schema: "/v2/schemas/member",
    },
  },
  listImageMembers: {
    response: {
      members: [
        {
          status: "accepted",
          created_at: "2016-09-01T02:05:14Z",
          updated_at: "2016-09-01T02:37:11Z",
          image_id: "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
          member_id: "edc89b490d7d4392898e19b2deb34797",
          schema: "/v2/schemas/member",
        },
      ],
      schema: "/v2/schemas/members",
    },
  },
  batchAddImageMembers: {
    requests: [
      {
        images: ["d164b5df-1bc3-4c3f-893e-3e471fd16e64", "0b680482-acaa-4045-b14c-9a8c7dfe9c70"],
        projects: ["9c61004714024f9586705d090530f9fa", "edc89b490d7d4392898e19b2deb34797"],
      },
    ],
    response: { job_id: "edc89b490d7d4392898e19b2deb34797" },
  },
  batchUpdateImageMembers: {
    requests: [
      {
        images: ["d164b5df-1bc3-4c3f-893e-3e471fd16e64", "0b680482-acaa-4045-b14c-9a8c7dfe9c70"],
        project_id: "edc89b490d7d4392898e19b2deb34797",
        status: "accepted",
      },
      {
        images: ["d164b5df-1bc3-4c3f-893e-3e471fd16e64", "0b680482-acaa-4045-b14c-9a8c7dfe9c70"],
        project_id: "edc89b490d7d4392898e19b2deb34797",
        status: "accepted",
        vault_id: "d14r5tef-1bc3-4c4f-823e-3e471rg65e65",
      },
    ],
    response: { job_id: "edc89b490d7d4392898e19b2deb34797" },
  },
  batchRemoveImageMembers: {
    requests: [
      {
        images: ["d164b5df-1bc3-4c3f-893e-3e471fd16e64", "0b680482-acaa-4045-b14c-9a8c7dfe9c70"],
        projects: ["9c61004714024f9586705d090530f9fa", "edc89b490d7d4392898e19b2deb34797"],
      },
    ],
    response: { job_id: "edc89b490d7d4392898e19b2deb34797" },
  },
} as const;

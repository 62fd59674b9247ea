ALTER TABLE "network_members" ADD COLUMN "is_person" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "network_members_person_idx" ON "network_members" USING btree ("network_id") WHERE "network_members"."is_person";--> statement-breakpoint
-- Every existing network gets its person as a member (ADR 013), with the person's name and
-- contact. Meetings already planned keep their invitations: a leader ticks the person there.
INSERT INTO "network_members" ("network_id", "name", "relation", "phone", "email", "circle", "is_person")
SELECT n."id", p."name", 'other', p."phone", p."email", 'family_friends', true
FROM "networks" n
JOIN "persons" p ON p."id" = n."person_id"
WHERE NOT EXISTS (
  SELECT 1 FROM "network_members" m WHERE m."network_id" = n."id" AND m."is_person"
);

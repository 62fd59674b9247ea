ALTER TABLE "consents" ADD COLUMN "plan_parts" text[];--> statement-breakpoint
-- Parts belong only to consent for the plan, and a consent for no part is no consent.
ALTER TABLE "consents" ADD CONSTRAINT "consents_plan_parts_check" CHECK ("plan_parts" IS NULL OR ("content" = 'plan' AND cardinality("plan_parts") > 0));

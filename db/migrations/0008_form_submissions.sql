CREATE TABLE "form_submissions" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"result" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "form_submissions_created_at_idx" ON "form_submissions" USING btree ("created_at");
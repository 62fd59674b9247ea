ALTER TABLE "invitations" ADD COLUMN "previous_response" "invitation_response";--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "previous_responded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "previous_starts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "previous_duration_minutes" integer;
CREATE TABLE "plan_actions" (
	"document_name" text NOT NULL,
	"action_id" text NOT NULL,
	"network_id" uuid NOT NULL,
	"source" text NOT NULL,
	"area" text,
	"meeting_id" uuid,
	"agenda_item_id" text,
	"carried" boolean DEFAULT false NOT NULL,
	"goal_id" text,
	"what" text NOT NULL,
	"responsible" text,
	"responsible_member_id" uuid,
	"responsible_user_id" uuid,
	"responsible_is_person" boolean DEFAULT false NOT NULL,
	"due" date,
	"status" text NOT NULL,
	"status_comment" text,
	"status_changed_at" timestamp with time zone,
	"projected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_actions_document_name_action_id_pk" PRIMARY KEY("document_name","action_id")
);
--> statement-breakpoint
CREATE TABLE "plan_goals" (
	"document_name" text NOT NULL,
	"goal_id" text NOT NULL,
	"network_id" uuid NOT NULL,
	"area" text NOT NULL,
	"in_my_words" text NOT NULL,
	"status" text NOT NULL,
	"chime" text[] NOT NULL,
	"projected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_goals_document_name_goal_id_pk" PRIMARY KEY("document_name","goal_id")
);
--> statement-breakpoint
ALTER TABLE "plan_actions" ADD CONSTRAINT "plan_actions_network_id_networks_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."networks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_actions" ADD CONSTRAINT "plan_actions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_goals" ADD CONSTRAINT "plan_goals_network_id_networks_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."networks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plan_actions_network_idx" ON "plan_actions" USING btree ("network_id","status_changed_at");--> statement-breakpoint
CREATE INDEX "plan_actions_member_idx" ON "plan_actions" USING btree ("responsible_member_id") WHERE "plan_actions"."status" <> 'done';--> statement-breakpoint
CREATE INDEX "plan_actions_user_idx" ON "plan_actions" USING btree ("responsible_user_id") WHERE "plan_actions"."status" <> 'done';--> statement-breakpoint
CREATE INDEX "plan_goals_network_idx" ON "plan_goals" USING btree ("network_id");
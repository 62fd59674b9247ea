CREATE TABLE "bridge_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bridge_id" uuid NOT NULL,
	"status" text NOT NULL,
	"happened_on" date NOT NULL,
	"visit_on" date,
	"companion" text,
	"note" text DEFAULT '' NOT NULL,
	"by_user_id" uuid,
	"by_label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bridge_events_note" CHECK (char_length("bridge_events"."note") <= 500),
	CONSTRAINT "bridge_events_status" CHECK ("bridge_events"."status" in ('suggested','wanted','contact_made','visit_agreed','started','not_started','ended'))
);
--> statement-breakpoint
CREATE TABLE "bridges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"network_id" uuid NOT NULL,
	"offering_id" uuid NOT NULL,
	"goal_id" text,
	"action_id" text,
	"area" text,
	"status" text DEFAULT 'suggested' NOT NULL,
	"companion" text,
	"first_visit_on" date,
	"visit_confirmed_at" timestamp with time zone,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"consent_given_at" timestamp with time zone,
	"consent_given_by" text,
	"consent_recorded_by_user_id" uuid,
	"consent_withdrawn_at" timestamp with time zone,
	"link_version" integer DEFAULT 0 NOT NULL,
	"link_token_hash" text,
	"link_issued_at" timestamp with time zone,
	CONSTRAINT "bridges_status" CHECK ("bridges"."status" in ('suggested','wanted','contact_made','visit_agreed','started','not_started','ended')),
	CONSTRAINT "bridges_companion" CHECK ("bridges"."companion" is null or "bridges"."companion" in ('volunteer','peer','alone'))
);
--> statement-breakpoint
ALTER TABLE "bridge_events" ADD CONSTRAINT "bridge_events_bridge_id_bridges_id_fk" FOREIGN KEY ("bridge_id") REFERENCES "public"."bridges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridge_events" ADD CONSTRAINT "bridge_events_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_network_id_networks_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."networks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_offering_id_offerings_id_fk" FOREIGN KEY ("offering_id") REFERENCES "public"."offerings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bridges" ADD CONSTRAINT "bridges_consent_recorded_by_user_id_users_id_fk" FOREIGN KEY ("consent_recorded_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bridge_events_bridge_idx" ON "bridge_events" USING btree ("bridge_id","created_at");--> statement-breakpoint
CREATE INDEX "bridges_network_idx" ON "bridges" USING btree ("network_id","created_at");--> statement-breakpoint
CREATE INDEX "bridges_person_idx" ON "bridges" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "bridges_open_idx" ON "bridges" USING btree ("status","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bridges_link_idx" ON "bridges" USING btree ("link_token_hash");
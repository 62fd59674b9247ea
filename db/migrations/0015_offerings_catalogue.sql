CREATE TYPE "public"."offering_category" AS ENUM('activity_exercise', 'culture', 'social_meeting_place', 'work_education', 'peer_support', 'practical_help', 'other');--> statement-breakpoint
CREATE TYPE "public"."offering_status" AS ENUM('active', 'paused', 'retired');--> statement-breakpoint
CREATE TYPE "public"."organisation_kind" AS ENUM('volunteer_organisation', 'volunteer_centre', 'sports_club', 'association', 'faith_community', 'peer_organisation', 'municipal_low_threshold', 'other');--> statement-breakpoint
CREATE TABLE "offerings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"category" "offering_category" NOT NULL,
	"life_areas" text[] DEFAULT '{}' NOT NULL,
	"chime" text[] DEFAULT '{}' NOT NULL,
	"weekly_slots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"dates" date[] DEFAULT '{}' NOT NULL,
	"schedule_note" text,
	"address" text,
	"accessibility_notes" text,
	"cost_ore" integer DEFAULT 0 NOT NULL,
	"no_referral" boolean DEFAULT true NOT NULL,
	"welcome_while_using" boolean DEFAULT false NOT NULL,
	"wheelchair_accessible" boolean DEFAULT false NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"age_min" integer,
	"age_max" integer,
	"capacity" integer,
	"waiting_list" boolean DEFAULT false NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"contact_email" text,
	"status" "offering_status" DEFAULT 'active' NOT NULL,
	"last_verified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_verified_by_user_id" uuid,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offerings_cost_not_negative" CHECK ("offerings"."cost_ore" >= 0),
	CONSTRAINT "offerings_capacity_not_negative" CHECK ("offerings"."capacity" >= 0),
	CONSTRAINT "offerings_age_range" CHECK ("offerings"."age_min" >= 0 and "offerings"."age_max" <= 130 and "offerings"."age_min" <= "offerings"."age_max")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"municipality_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" "organisation_kind" NOT NULL,
	"organisation_number" text,
	"email" text,
	"phone" text,
	"web" text,
	"partner_organisation_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_number_digits" CHECK ("organisations"."organisation_number" ~ '^[0-9]{9}$')
);
--> statement-breakpoint
ALTER TABLE "offerings" ADD CONSTRAINT "offerings_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offerings" ADD CONSTRAINT "offerings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offerings" ADD CONSTRAINT "offerings_last_verified_by_user_id_users_id_fk" FOREIGN KEY ("last_verified_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offerings" ADD CONSTRAINT "offerings_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_partner_organisation_id_partner_organisations_id_fk" FOREIGN KEY ("partner_organisation_id") REFERENCES "public"."partner_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "offerings_municipality_status_idx" ON "offerings" USING btree ("municipality_id","status","category");--> statement-breakpoint
CREATE INDEX "offerings_organisation_idx" ON "offerings" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "offerings_verified_idx" ON "offerings" USING btree ("municipality_id","last_verified_at");--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_municipality_name_idx" ON "organisations" USING btree ("municipality_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_partner_idx" ON "organisations" USING btree ("partner_organisation_id");
import { intentForm } from "../../utils/validation.server";

/** The buttons of a person's page. */
export const PersonPageIntent = intentForm(["update", "create-network", "set-leaders"]);

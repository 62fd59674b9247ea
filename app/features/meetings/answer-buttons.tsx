import { useT } from "../../i18n";

type Answer = "accepted" | "tentative" | "declined";

/**
 * The three answers to an invitation, as submit buttons named "response" (the meeting's page
 * and the invitation link's page). The answer given is shown selected (issue 10): a filled
 * button with a check mark where the others are outlined, and aria-pressed="true" for screen
 * readers; no answer yet ("needs_action") leaves all three unpressed.
 */
export function AnswerButtons({ current }: { current: string }) {
  const t = useT();
  return (
    <>
      {(["accepted", "tentative", "declined"] as const satisfies readonly Answer[]).map(
        (response) => {
          const chosen = response === current;
          return (
            <button
              key={response}
              type="submit"
              name="response"
              value={response}
              className="ds-button"
              data-variant={chosen ? "primary" : "secondary"}
              aria-pressed={chosen}
            >
              {chosen ? <span aria-hidden="true">✓ </span> : null}
              {t(`response.${response}`)}
            </button>
          );
        },
      )}
    </>
  );
}

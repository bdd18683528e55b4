package no.vakt.alert;

/**
 * One alert, written for the person who receives it.
 *
 * @param event what happened, in one line ("primary db-oslo down")
 * @param evidence what Vakt saw that makes it say so
 * @param action what Vakt did, or what the reader should do ("approve with: vakt promote --confirm")
 */
public record Alert(Severity severity, String cluster, String event, String evidence, String action) {
    public Alert {
        if (severity == null || event == null || event.isBlank()) {
            throw new IllegalArgumentException("an alert needs a severity and an event");
        }
        evidence = evidence != null ? evidence : "";
        action = action != null ? action : "";
    }
}

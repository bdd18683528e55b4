package no.vakt.alert;

import no.vakt.cluster.Severity;

/**
 * One alert, written for the person who receives it.
 *
 * @param event what happened, in one line ("primary db-oslo down")
 * @param evidence what Vakt saw that makes it say so
 * @param action what Vakt did, or what the reader should do ("approve with: vakt promote --confirm")
 * @param kind which condition this is ({@link AlertKind}): repeats of the same kind on the same node are
 *     grouped, and a resolving kind ends its problem's group; {@link AlertKind#OTHER} when not given
 * @param node the node the alert is about, null when it is about the pair or the cluster
 * @param link where a person can look or approve (the dashboard), null when none is configured
 */
public record Alert(Severity severity, String cluster, String event, String evidence, String action,
        AlertKind kind, String node, String link) {
    public Alert {
        if (severity == null || event == null || event.isBlank()) {
            throw new IllegalArgumentException("an alert needs a severity and an event");
        }
        evidence = evidence != null ? evidence : "";
        action = action != null ? action : "";
        kind = kind != null ? kind : AlertKind.OTHER;
        if (link != null && link.isBlank()) link = null;
    }

    public Alert(Severity severity, String cluster, String event, String evidence, String action) {
        this(severity, cluster, event, evidence, action, AlertKind.OTHER, null, null);
    }

    public Alert(Severity severity, String cluster, String event, String evidence, String action, AlertKind kind,
            String node) {
        this(severity, cluster, event, evidence, action, kind, node, null);
    }

    public Alert withKind(AlertKind k, String onNode) {
        return new Alert(severity, cluster, event, evidence, action, k, onNode, link);
    }

    public Alert withLink(String url) {
        return new Alert(severity, cluster, event, evidence, action, kind, node, url);
    }

    /** One line for chat titles, mail subjects and SMS: "[CRITICAL] shop: primary db-oslo down". */
    public String headline() {
        return "[" + severity + "] " + (cluster == null ? "" : cluster + ": ") + event;
    }
}

package no.vakt.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each alert to the log at a level matching its severity. */
public final class LoggingAlertSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger("no.vakt.alert");

    @Override
    public void send(Alert a) {
        String line = "[{}] {}: {}{}{}";
        Object[] args = {a.cluster(), a.severity(), a.event(),
            a.evidence().isBlank() ? "" : " | evidence: " + a.evidence(),
            a.action().isBlank() ? "" : " | action: " + a.action()};
        switch (a.severity()) {
            case CRITICAL -> LOG.error(line, args);
            case WARNING -> LOG.warn(line, args);
            default -> LOG.info(line, args);
        }
    }
}

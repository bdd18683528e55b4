package no.vakt.alert;

/**
 * Where alerts go (mail, chat, pager: later). Sending is best effort from the caller's view: an
 * implementation reports its own delivery problems and must not throw, because a failover must not
 * stop for a broken mail server.
 */
public interface AlertSink {
    void send(Alert alert);
}

package no.vakt.drill;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where the application's database traffic goes right now, asked afresh on every connect as an
 * application with a short DNS TTL would: {@link DnsServiceResolver} asks the configured DNS server for
 * the service name; {@link LivePrimaryResolver} (no service configured) returns the node that is the
 * live primary.
 */
public interface ServiceResolver {
    /** The address a new connection goes to now; throws when there is none (NXDOMAIN, no live primary). */
    InetSocketAddress resolve() throws IOException;

    /** What is resolved, for the report: "app.lab.vakt.test via 127.0.0.1:5353" or "the live primary". */
    String describe();

    /** Whether this goes through a service name (DNS), so "traffic switch visible" can be observed. */
    boolean throughServiceName();
}

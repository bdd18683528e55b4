package no.vakt.config;

import java.net.URI;

/**
 * One database node. {@code zone} and {@code country} default to the site's.
 * {@code sourceAddress} is the address this node's outgoing connections come from as its peer sees
 * them (it limits the replication account); it defaults to the MySQL host.
 */
public record Node(
        String name,
        Role role,
        String zone,
        String country,
        MysqlEndpoint mysql,
        URI healthUrl,
        String ssh,
        String sourceAddress) {

    public String effectiveSourceAddress() {
        return sourceAddress != null ? sourceAddress : mysql.host();
    }
}

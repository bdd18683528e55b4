package no.vakt.traffic;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.vakt.cluster.HostPort;
import org.xbill.DNS.Name;

/**
 * The zone's own name servers (its NS records), so a change is verified on every authority clients may
 * ask, not only on the server that took it. Names are resolved only through the configured authority
 * itself (the addresses it gave with the NS answer, then A and AAAA asked of it), never through the
 * system resolver: that may be a public or caching resolver, and Vakt does not send zone lookups there.
 *
 * <p>An NS whose address is one of the servers already verified (the update server, a configured
 * name server) is that server, reached on its configured port: an NS record cannot say the port. Every
 * other one is asked on {@code port} (53 outside tests). A name that does not resolve through the
 * authority is left out with a note, which is journaled with the entry's outcome: verification then
 * proves less than it should, and says so.
 */
final class ZoneNameServers {
    /** Asks the configured authority for a name's addresses (A and AAAA). */
    @FunctionalInterface
    interface Resolver {
        List<String> addresses(Name host) throws TrafficException;
    }

    /**
     * @param servers the name servers still to verify (none of the known ones)
     * @param notes one line per NS that could not be verified, and why
     */
    record Found(List<HostPort> servers, List<String> notes) {}

    private ZoneNameServers() {}

    /**
     * @param names the zone's NS targets
     * @param given addresses the authority already gave for some of them (glue, or the zone's own records)
     * @param known the servers verified anyway, with their ports
     * @param via the authority, for the notes
     */
    static Found resolve(List<Name> names, Map<Name, List<String>> given, Resolver resolver, List<HostPort> known,
            int port, String via) {
        Set<HostPort> out = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        for (Name host : names) {
            List<String> addresses = given.getOrDefault(host, List.of());
            String why = "no A or AAAA record";
            if (addresses.isEmpty()) {
                try {
                    addresses = resolver.addresses(host);
                } catch (TrafficException e) {
                    why = e.getMessage();
                }
            }
            if (addresses.isEmpty()) {
                notes.add("name server " + host + " of the zone did not resolve through " + via + " (" + why
                        + "): not verified there");
                continue;
            }
            for (String a : addresses) {
                if (knownAt(a, known).isEmpty()) out.add(new HostPort(AddressTargets.normalise(a), port));
            }
        }
        return new Found(List.copyOf(out), List.copyOf(notes));
    }

    /** The known server at {@code address}, compared as IP literals (a host name matches only itself). */
    private static Optional<HostPort> knownAt(String address, List<HostPort> known) {
        Optional<InetAddress> a = IpLiteral.parse(address);
        for (HostPort k : known) {
            Optional<InetAddress> b = IpLiteral.parse(k.host());
            if (a.isPresent() && b.isPresent() ? a.get().equals(b.get()) : k.host().equalsIgnoreCase(address)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}

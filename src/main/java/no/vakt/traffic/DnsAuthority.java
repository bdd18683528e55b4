package no.vakt.traffic;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.HostPort;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * One authoritative name server, asked directly (never a recursive resolver, whose cache would answer
 * with what was true a TTL ago). Every failure becomes a {@link TrafficException} whose retryable flag
 * says whether asking again can help.
 */
final class DnsAuthority {
    private final HostPort server;
    private final TSIG key;
    private final String keyIdentity;
    private final Duration timeout;

    /** @param key null for unsigned queries (a secondary that does not know the key) */
    DnsAuthority(HostPort server, TSIG key, String keyIdentity, Duration timeout) {
        this.server = server;
        this.key = key;
        this.keyIdentity = keyIdentity;
        this.timeout = timeout;
    }

    HostPort server() {
        return server;
    }

    /** What the authority answers for {@code name}/{@code type}: the values and the TTL. */
    record Answer(int rcode, List<String> values, Long ttlSeconds) {
        boolean exists() {
            return rcode == Rcode.NOERROR && !values.isEmpty();
        }
    }

    /** A host's addresses as the authority has them: its A records, then its AAAA records. */
    List<String> addresses(Name host) throws TrafficException {
        List<String> out = new ArrayList<>(query(host, Type.A).values());
        out.addAll(query(host, Type.AAAA).values());
        return out;
    }

    Answer query(Name name, int type) throws TrafficException {
        Message response = send(Message.newQuery(Record.newRecord(name, type, DClass.IN)), "query " + name + " " + Type.string(type));
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) throw failure("query " + name + " " + Type.string(type), response);
        List<String> values = new ArrayList<>();
        Long ttl = null;
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getName().equals(name) && r.getType() == type) {
                values.add(r.rdataToString());
                ttl = ttl == null ? r.getTTL() : Math.min(ttl, r.getTTL());
            }
        }
        values.sort(String::compareTo);
        return new Answer(rcode, List.copyOf(values), ttl);
    }

    /** The zone's SOA serial as this server holds it: proves the server is authoritative for the zone. */
    long serial(Name zone) throws TrafficException {
        Message response = send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)), "query " + zone + " SOA");
        if (response.getRcode() != Rcode.NOERROR) throw failure("query " + zone + " SOA", response);
        if (!response.getHeader().getFlag(org.xbill.DNS.Flags.AA)) {
            throw new TrafficException(server + " is not authoritative for " + zone + " (no AA flag in its answer)", false);
        }
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof SOARecord soa && soa.getName().equals(zone)) return soa.getSerial();
        }
        throw new TrafficException(server + " has no SOA for " + zone + ": is the zone name right?", false);
    }

    /** Sends {@code message} (signed when there is a key) and checks the transport and the signature. */
    Message send(Message message, String what) throws TrafficException {
        SimpleResolver resolver = new SimpleResolver(server.socketAddress());
        resolver.setTimeout(timeout);
        if (key != null) resolver.setTSIGKey(key);
        Message response;
        try {
            response = resolver.send(message);
        } catch (IOException e) {
            throw new TrafficException(what + ": no answer from " + server + " within " + timeout.toMillis() + " ms ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", true, e);
        }
        TSIGRecord tsig = response.getTSIG();
        if (tsig != null && tsig.getError() != Rcode.NOERROR) {
            throw new TrafficException(what + ": " + server + " rejected the TSIG key " + keyIdentity + ": "
                    + Rcode.TSIGstring(tsig.getError()) + " (" + tsigHint(tsig.getError()) + ")", false);
        }
        if (key != null && response.getRcode() == Rcode.NOTAUTH && tsig == null) {
            throw new TrafficException(what + ": " + server + " answered NOTAUTH to a request signed with " + keyIdentity
                    + ": the server does not know this key, or is not authoritative for the zone", false);
        }
        if (key != null && response.isSigned() && !response.isVerified()) {
            throw new TrafficException(what + ": the answer from " + server + " carries a signature that does not verify"
                    + " with " + keyIdentity + "; not trusting it", false);
        }
        return response;
    }

    /** A non-NOERROR answer as an exception; SERVFAIL is the only one worth asking again. */
    TrafficException failure(String what, Message response) {
        int rcode = response.getRcode();
        String name = Rcode.string(rcode);
        return switch (rcode) {
            case Rcode.SERVFAIL -> new TrafficException(what + ": " + server + " answered SERVFAIL", true);
            case Rcode.REFUSED -> new TrafficException(what + ": " + server + " REFUSED it (the key may lack update rights"
                    + " for this name in the zone's update-policy, or the server does not serve the zone)", false);
            case Rcode.NOTAUTH -> new TrafficException(what + ": " + server + " answered NOTAUTH (not authoritative for the"
                    + " zone, or the key is not allowed)", false);
            case Rcode.NOTZONE -> new TrafficException(what + ": " + server + " answered NOTZONE (the record is not inside"
                    + " the zone)", false);
            default -> new TrafficException(what + ": " + server + " answered " + name, false);
        };
    }

    private static String tsigHint(int error) {
        return switch (error) {
            case Rcode.BADSIG -> "wrong secret for this key name";
            case Rcode.BADKEY -> "the server does not know a key of this name and algorithm";
            case Rcode.BADTIME -> "the clocks differ by more than the allowed fudge: run NTP";
            default -> "check key-file / key-name";
        };
    }

    @Override
    public String toString() {
        return server.toString();
    }
}

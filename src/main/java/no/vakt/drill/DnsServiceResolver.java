package no.vakt.drill;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import no.vakt.cluster.HostPort;
import no.vakt.config.DrillsConfig;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Resolves the service name with one A query to the configured DNS server, no cache: the drill must
 * see the record the moment the traffic switch changes it (an application's resolver would add up to
 * the TTL on top; the report says so). Without a configured server the system resolver is used
 * (InetAddress, which the JVM caches for 30 s: set dns-server for a faithful measurement).
 */
public final class DnsServiceResolver implements ServiceResolver {
    private final String name;
    private final HostPort server;
    private final int port;
    private final Duration timeout;

    public DnsServiceResolver(DrillsConfig.ServiceConfig service, Duration timeout) {
        this.name = service.name();
        this.server = service.dnsServer() == null ? null : HostPort.parse(service.dnsServer(), 53);
        this.port = service.port();
        this.timeout = timeout;
    }

    @Override
    public InetSocketAddress resolve() throws IOException {
        if (server == null) return new InetSocketAddress(InetAddress.getByName(name), port);
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getByName(server.host()), server.port()));
        resolver.setTimeout(timeout);
        Name qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        Message query = Message.newQuery(Record.newRecord(qname, Type.A, DClass.IN));
        query.getHeader().setFlag(Flags.RD);
        Message answer = resolver.send(query);
        int rcode = answer.getRcode();
        if (rcode != Rcode.NOERROR) throw new IOException(name + ": " + Rcode.string(rcode) + " from " + server);
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) return new InetSocketAddress(a.getAddress(), port);
        }
        throw new IOException(name + ": no A record from " + server);
    }

    @Override
    public String describe() {
        return name + " via " + (server == null ? "the system resolver" : server.toString()) + ", port " + port;
    }

    @Override
    public boolean throughServiceName() {
        return true;
    }
}

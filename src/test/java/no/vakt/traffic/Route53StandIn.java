package no.vakt.traffic;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A local stand-in for Amazon Route 53's REST API (version 2013-04-01), written from the API Reference:
 * GetHostedZone, ListResourceRecordSets, ChangeResourceRecordSets, GetChange. It checks each request like the
 * service would (method and path, SigV4 signature with the credential scope {@code <date>/us-east-1/route53},
 * the ChangeResourceRecordSetsRequest XML in namespace {@value #NS}) and answers with the documented XML,
 * errors as {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>}.
 */
final class Route53StandIn implements AutoCloseable {
    static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";

    record Request(String method, String path, Map<String, String> query, String body) {}

    record RecordSet(String name, String type, long ttl, List<String> values) {}

    private record Fault(int status, String code, String message, String onMethod) {}

    private final HttpServer server;
    private final String accessKeyId;
    private final String secret;
    private final String zoneId;
    private final String zoneName;
    private final Map<String, RecordSet> sets = new ConcurrentHashMap<>(); // name|type -> set
    private final Map<String, AtomicInteger> pendingReads = new ConcurrentHashMap<>(); // change id -> GetChange calls left PENDING
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final AtomicInteger changes = new AtomicInteger();
    private volatile int pendingFor = 1;
    private volatile boolean denyChanges;

    Route53StandIn(String address, String accessKeyId, String secret, String zoneId, String zoneName) throws IOException {
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        this.zoneId = zoneId;
        this.zoneName = zoneName;
        server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    void put(String name, String type, long ttl, String... values) {
        sets.put(name + "|" + type, new RecordSet(name, type, ttl, List.of(values)));
    }

    RecordSet get(String name, String type) {
        return sets.get(name + "|" + type);
    }

    /** How many GetChange calls answer PENDING before INSYNC. */
    void pendingFor(int reads) {
        pendingFor = reads;
    }

    /** The key may read but not change (an IAM policy without route53:ChangeResourceRecordSets). */
    void denyChanges() {
        denyChanges = true;
    }

    synchronized void failNext(int status, String code, String message, String onMethod) {
        faults.add(new Fault(status, code, message, onMethod));
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    long count(String method) {
        return requests().stream().filter(r -> r.method().equals(method)).count();
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> query = query(rawQuery);
            requests.add(new Request(method, path, query, new String(body, StandardCharsets.UTF_8)));

            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            SigV4Check.Scope scope = SigV4Check.scope(headers.getOrDefault("authorization", List.of("")).get(0));
            if (scope == null) {
                violations.add(method + " " + path + ": no SigV4 Authorization header");
                error(ex, 403, "MissingAuthenticationToken", "Missing Authentication Token");
                return;
            }
            // Route 53 is a global service signed for us-east-1
            if (!scope.region().equals("us-east-1") || !scope.service().equals("route53")) {
                violations.add("credential scope " + scope.region() + "/" + scope.service() + ", expected us-east-1/route53");
            }
            if (!scope.accessKeyId().equals(accessKeyId)) {
                error(ex, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
                return;
            }
            String bad = SigV4Check.verify(method, path, rawQuery, headers, body, accessKeyId, secret);
            if (bad != null) {
                error(ex, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. "
                        + "Check your AWS Secret Access Key and signing method.");
                return;
            }
            Fault fault = nextFault(method);
            if (fault != null) {
                error(ex, fault.status(), fault.code(), fault.message());
                return;
            }
            route(ex, method, path, query, body);
        }
    }

    private void route(HttpExchange ex, String method, String path, Map<String, String> query, byte[] body) throws IOException {
        String zonePath = "/2013-04-01/hostedzone/";
        if (path.startsWith(zonePath)) {
            String rest = path.substring(zonePath.length());
            String id = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            if (!id.equals(zoneId)) {
                error(ex, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + id);
                return;
            }
            String sub = rest.substring(id.length());
            if (method.equals("GET") && sub.isEmpty()) {
                send(ex, 200, getHostedZone());
            } else if (method.equals("GET") && sub.equals("/rrset")) {
                send(ex, 200, list(query));
            } else if (method.equals("POST") && sub.equals("/rrset/")) {
                change(ex, body);
            } else {
                violations.add(method + " " + path + ": not a documented Route 53 request");
                error(ex, 404, "UnknownOperationException", "Unknown operation");
            }
        } else if (method.equals("GET") && path.startsWith("/2013-04-01/change/")) {
            String id = path.substring("/2013-04-01/change/".length());
            AtomicInteger left = pendingReads.get(id);
            if (left == null) {
                error(ex, 404, "NoSuchChange", "A change with the specified change ID does not exist.");
                return;
            }
            String status = left.getAndDecrement() > 0 ? "PENDING" : "INSYNC";
            send(ex, 200, "<GetChangeResponse xmlns=\"" + NS + "\">" + changeInfo(id, status) + "</GetChangeResponse>");
        } else {
            violations.add(method + " " + path + ": not a documented Route 53 request");
            error(ex, 404, "UnknownOperationException", "Unknown operation");
        }
    }

    private String getHostedZone() {
        return "<GetHostedZoneResponse xmlns=\"" + NS + "\"><HostedZone><Id>/hostedzone/" + zoneId + "</Id><Name>" + zoneName
                + "</Name><CallerReference>vakt-contract-test</CallerReference><Config><PrivateZone>false</PrivateZone></Config>"
                + "<ResourceRecordSetCount>" + sets.size() + "</ResourceRecordSetCount></HostedZone><DelegationSet><NameServers>"
                + "<NameServer>ns-2048.awsdns-64.com</NameServer><NameServer>ns-2049.awsdns-65.net</NameServer></NameServers>"
                + "</DelegationSet></GetHostedZoneResponse>";
    }

    /** Record sets in the zone's order (names by reversed labels, then type), starting at name/type, at most maxitems. */
    private String list(Map<String, String> query) {
        String start = query.get("name");
        String startType = query.get("type");
        if (startType != null && start == null) violations.add("ListResourceRecordSets: type without name");
        int max = Integer.parseInt(query.getOrDefault("maxitems", "300"));
        Comparator<RecordSet> order = Comparator.comparing((RecordSet s) -> reversed(s.name())).thenComparing(RecordSet::type);
        List<RecordSet> sorted = sets.values().stream().sorted(order).toList();
        List<RecordSet> from = sorted.stream().filter(s -> start == null
                        || reversed(s.name()).compareTo(reversed(start)) > 0
                        || reversed(s.name()).equals(reversed(start)) && (startType == null || s.type().compareTo(startType) >= 0))
                .toList();
        StringBuilder sb = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + NS + "\"><ResourceRecordSets>");
        for (RecordSet s : from.subList(0, Math.min(max, from.size()))) {
            sb.append("<ResourceRecordSet><Name>").append(s.name()).append("</Name><Type>").append(s.type()).append("</Type><TTL>")
                    .append(s.ttl()).append("</TTL><ResourceRecords>");
            s.values().forEach(v -> sb.append("<ResourceRecord><Value>").append(v).append("</Value></ResourceRecord>"));
            sb.append("</ResourceRecords></ResourceRecordSet>");
        }
        sb.append("</ResourceRecordSets><IsTruncated>").append(from.size() > max).append("</IsTruncated>");
        if (from.size() > max) {
            sb.append("<NextRecordName>").append(from.get(max).name()).append("</NextRecordName><NextRecordType>")
                    .append(from.get(max).type()).append("</NextRecordType>");
        }
        return sb.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>").toString();
    }

    private void change(HttpExchange ex, byte[] body) throws IOException {
        if (denyChanges) {
            error(ex, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/vakt is not authorized to perform: "
                    + "route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/" + zoneId);
            return;
        }
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            violations.add("ChangeResourceRecordSets body is not XML: " + e.getMessage());
            error(ex, 400, "InvalidInput", "Invalid XML");
            return;
        }
        Element root = doc.getDocumentElement();
        if (!"ChangeResourceRecordSetsRequest".equals(root.getLocalName()) || !NS.equals(root.getNamespaceURI())) {
            violations.add("root element {" + root.getNamespaceURI() + "}" + root.getLocalName());
        }
        Element batch = child(root, "ChangeBatch");
        Element changesEl = batch == null ? null : child(batch, "Changes");
        List<Element> changeList = changesEl == null ? List.of() : children(changesEl, "Change");
        if (changeList.isEmpty()) {
            violations.add("ChangeBatch without Changes/Change");
            error(ex, 400, "InvalidInput", "No changes");
            return;
        }
        Map<String, RecordSet> next = new LinkedHashMap<>();
        for (Element c : changeList) {
            String action = text(c, "Action");
            Element rrs = child(c, "ResourceRecordSet");
            if (rrs == null) {
                violations.add("Change without ResourceRecordSet");
                continue;
            }
            String name = text(rrs, "Name");
            String type = text(rrs, "Type");
            String ttl = text(rrs, "TTL");
            List<String> values = new ArrayList<>();
            Element rr = child(rrs, "ResourceRecords");
            if (rr != null) for (Element r : children(rr, "ResourceRecord")) values.add(text(r, "Value"));
            if (!"UPSERT".equals(action)) violations.add("action " + action + ", expected UPSERT");
            if (name == null || type == null || ttl == null || values.isEmpty()) {
                error(ex, 400, "InvalidInput", "Invalid request: missing Name, Type, TTL or ResourceRecords");
                return;
            }
            if (!(name.endsWith(".") ? name : name + ".").endsWith(zoneName)) {
                error(ex, 400, "InvalidChangeBatch", "RRSet with DNS name " + name + " is not permitted in zone " + zoneName);
                return;
            }
            String fqdn = name.endsWith(".") ? name : name + ".";
            next.put(fqdn + "|" + type, new RecordSet(fqdn, type, Long.parseLong(ttl), values));
        }
        sets.putAll(next); // all or nothing, as the API documents for a change batch
        String id = "C" + (2682 + changes.incrementAndGet()) + "N5HXP0BZ4";
        pendingReads.put(id, new AtomicInteger(pendingFor));
        send(ex, 200, "<ChangeResourceRecordSetsResponse xmlns=\"" + NS + "\">" + changeInfo(id, "PENDING")
                + "</ChangeResourceRecordSetsResponse>");
    }

    private static String changeInfo(String id, String status) {
        return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + status + "</Status><SubmittedAt>2030-01-01T00:00:00.000Z"
                + "</SubmittedAt></ChangeInfo>";
    }

    private synchronized Fault nextFault(String method) {
        Fault f = faults.peek();
        if (f != null && (f.onMethod() == null || f.onMethod().equals(method))) return faults.poll();
        return null;
    }

    private void error(HttpExchange ex, int status, String code, String message) throws IOException {
        String type = status >= 500 ? "Receiver" : "Sender";
        send(ex, status, "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>" + code + "</Code><Message>"
                + message + "</Message></Error><RequestId>a1b2c3d4-5678-90ab-cdef-EXAMPLE11111</RequestId></ErrorResponse>");
    }

    private static void send(HttpExchange ex, int status, String xml) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml");
        ex.getResponseHeaders().set("x-amzn-RequestId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static String reversed(String name) {
        List<String> labels = new ArrayList<>(List.of(name.toLowerCase(java.util.Locale.ROOT).split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels);
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName()) && NS.equals(e.getNamespaceURI())) out.add(e);
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) return q;
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            q.put(URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }
}

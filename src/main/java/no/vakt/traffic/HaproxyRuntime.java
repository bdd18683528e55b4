package no.vakt.traffic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One command per connection to HAProxy's runtime API (the stats socket), as {@code socat} does: send
 * the line, read until HAProxy closes. Non-blocking with a selector so the timeout also holds for a
 * unix socket, whose channel has no socket timeout.
 */
class HaproxyRuntime {
    // A "show servers state" line is ~150 bytes; 1 MiB covers thousands of servers and stops a runaway answer.
    private static final int MAX_ANSWER = 1 << 20;

    private final HaproxyEntry entry;

    HaproxyRuntime(HaproxyEntry entry) {
        this.entry = entry;
    }

    /** host:port, with [v6]:port allowed. */
    static InetSocketAddress parseAddress(String address) {
        String a = address.trim();
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1) {
            throw new IllegalArgumentException("haproxy entry: address must be HOST:PORT; got '" + address + "'");
        }
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("haproxy entry: address must be HOST:PORT; got '" + address + "'");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("haproxy entry: port out of range in '" + address + "'");
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Runs {@code command} and returns HAProxy's answer. Cannot connect or no answer in time: retryable. */
    String execute(String command) throws TrafficException {
        String context = "haproxy " + entry.where() + ": " + command;
        long deadline = System.nanoTime() + entry.timeout().toNanos();
        SocketAddress target;
        StandardProtocolFamily family;
        if (entry.socket() != null) {
            target = UnixDomainSocketAddress.of(entry.socket());
            family = StandardProtocolFamily.UNIX;
        } else {
            InetSocketAddress a = parseAddress(entry.address());
            target = new InetSocketAddress(a.getHostString(), a.getPort());
            family = ((InetSocketAddress) target).getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        try (SocketChannel ch = SocketChannel.open(family); Selector sel = Selector.open()) {
            ch.configureBlocking(false);
            if (!ch.connect(target)) {
                ch.register(sel, SelectionKey.OP_CONNECT);
                if (!await(sel, deadline)) throw timeout(context);
                ch.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            ch.register(sel, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                if (!await(sel, deadline)) throw timeout(context);
                ch.write(out);
            }
            ch.register(sel, SelectionKey.OP_READ);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (true) {
                if (!await(sel, deadline)) throw timeout(context);
                in.clear();
                int n = ch.read(in);
                if (n < 0) break;
                answer.write(in.array(), 0, n);
                if (answer.size() > MAX_ANSWER) {
                    throw new TrafficException(context + ": answer larger than " + MAX_ANSWER + " bytes", false);
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TrafficException(context + ": cannot talk to the runtime API: " + e.getMessage(), true, e);
        }
    }

    private static boolean await(Selector sel, long deadline) throws IOException {
        sel.selectedKeys().clear();
        // select may return early with nothing ready (a wakeup): wait again until the deadline
        for (long left = remainingMillis(deadline); left > 0; left = remainingMillis(deadline)) {
            if (sel.select(left) > 0) return true;
        }
        return false;
    }

    private static long remainingMillis(long deadline) {
        return (deadline - System.nanoTime()) / 1_000_000;
    }

    private TrafficException timeout(String context) {
        return new TrafficException(context + ": no answer within " + entry.timeout().toMillis() + " ms", true);
    }
}

package no.vakt.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** Unique 127.x.y.z addresses and free ports, so parallel tests and a running lab never collide. */
public final class Loopback {
    // The second octet comes from the pid: two JVMs on one machine get different ranges.
    private static final int OCTET2 = 100 + (int) (ProcessHandle.current().pid() % 120);
    private static final AtomicInteger NEXT = new AtomicInteger(1);

    private Loopback() {}

    public static String nextAddress() {
        int n = NEXT.getAndIncrement();
        return "127." + OCTET2 + "." + (n / 250) + "." + (1 + n % 250);
    }

    public static int freePort(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on " + address, e);
        }
    }
}

package no.vakt.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code dig} as an operator would run it, against a server the test started; and ports a DNS server can use. */
public final class Dig {
    private Dig() {}

    /** {@code dig @server -p port name type +short}: the answer lines, sorted. */
    public static List<String> query(String server, int port, String name, String type) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dig", "@" + server, "-p", Integer.toString(port), name, type, "+short", "+time=2",
                "+tries=1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("dig failed: " + out);
        List<String> lines = new ArrayList<>(out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList());
        Collections.sort(lines);
        return lines;
    }

    /** A port free for both TCP and UDP on {@code address}: a DNS server needs both. */
    public static int freePort(String address) throws IOException {
        return no.vakt.lab.BindServer.freePort(address, 0);
    }
}

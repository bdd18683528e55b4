package no.vakt.traffic;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.lab.Binaries;
import no.vakt.lab.MariaDbServer;

/**
 * A throw-away PowerDNS Authoritative ({@code pdns_server}, gsqlite3 backend) with its API enabled:
 * the zone is created with {@code pdnsutil} (independent of the API under test), SOA-EDIT-API INCREASE
 * so every API change bumps the serial. Killed and removed on close.
 */
final class PowerDnsServer implements AutoCloseable {
    final Path home;
    final String address;
    final int dnsPort;
    final int apiPort;
    final String zone;
    final Path apiKeyFile;
    private Process process;

    PowerDnsServer(Path home, String address, String zone) throws IOException {
        this.home = home.toAbsolutePath();
        this.address = address;
        this.dnsPort = DnsFixture.freeDnsPort(address);
        this.apiPort = DnsFixture.freeDnsPort(address);
        this.zone = zone;
        this.apiKeyFile = this.home.resolve("api.key");
    }

    /** Creates the database and the zone with {@code records} ("name type ttl content" relative to the zone), then starts. */
    PowerDnsServer start(List<String> records) throws Exception {
        Files.createDirectories(home);
        Files.writeString(apiKeyFile, "key-" + Long.toHexString(System.nanoTime()) + "\n");
        Path db = home.resolve("pdns.sqlite3");
        run(List.of(Binaries.require("sqlite3"), db.toString()), Path.of("/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql"));
        Files.writeString(home.resolve("pdns.conf"), String.join("\n",
                "launch=gsqlite3",
                "gsqlite3-database=" + db,
                "local-address=" + address,
                "local-port=" + dnsPort,
                "api=yes",
                "api-key=" + Files.readString(apiKeyFile).trim(),
                "webserver=yes",
                "webserver-address=" + address,
                "webserver-port=" + apiPort,
                "webserver-allow-from=127.0.0.0/8",
                "socket-dir=" + home,
                "guardian=no",
                "daemon=no",
                "disable-syslog=yes",
                "loglevel=4",
                // No packet or query cache: a test reads right after a change.
                "cache-ttl=0",
                "query-cache-ttl=0",
                "negquery-cache-ttl=0",
                "") );
        String zoneName = zone.substring(0, zone.length() - 1);
        pdnsutil("create-zone", zoneName, "ns." + zone);
        for (String r : records) {
            String[] f = r.split(" ");
            pdnsutil("add-record", zoneName, f[0], f[1], f[2], f[3]);
        }
        pdnsutil("set-meta", zoneName, "SOA-EDIT-API", "INCREASE");
        process = new ProcessBuilder(Binaries.require("pdns_server"), "--config-dir=" + home).redirectErrorStream(true)
                .redirectOutput(home.resolve("pdns.log").toFile()).start();
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) throw new IOException("pdns_server exited: " + Files.readString(home.resolve("pdns.log")));
            if (apiAnswers()) return this;
            Thread.sleep(50);
        }
        throw new IOException("pdns_server did not answer on " + apiUrl() + ": " + Files.readString(home.resolve("pdns.log")));
    }

    /** Adds one record ({@code name} relative to the zone, {@code @} for the apex) to the running server's zone. */
    void addRecord(String name, String type, String content) throws Exception {
        pdnsutil("add-record", zone.substring(0, zone.length() - 1), name, type, "5", content);
    }

    /** Points {@code name}'s A rrset (relative to the zone) at {@code address}, as a zone transfer would. */
    void replaceA(String name, String address) throws Exception {
        pdnsutil("replace-rrset", zone.substring(0, zone.length() - 1), name, "A", "5", address);
    }

    String apiUrl() {
        return "http://" + address + ":" + apiPort;
    }

    String apiKey() throws IOException {
        return Files.readString(apiKeyFile).trim();
    }

    private boolean apiAnswers() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(apiUrl() + "/api/v1/servers/localhost")).timeout(Duration.ofMillis(500))
                    .header("X-API-Key", apiKey()).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void pdnsutil(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Binaries.require("pdnsutil"), "--config-dir=" + home));
        cmd.addAll(List.of(args));
        run(cmd, null);
    }

    private static void run(List<String> cmd, Path input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (input != null) pb.redirectInput(input.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(cmd + " failed: " + out);
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MariaDbServer.deleteTree(home);
    }
}

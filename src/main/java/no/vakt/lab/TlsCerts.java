package no.vakt.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A private CA and one server certificate for the lab's MariaDB servers, made with the openssl CLI.
 * Files: {@code ca.pem}, {@code server.pem}, {@code server.key} (0600) in {@code dir}. Idempotent.
 */
public record TlsCerts(Path dir) {
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path cert() {
        return dir.resolve("server.pem");
    }

    public Path key() {
        return dir.resolve("server.key");
    }

    /** Creates the CA and a server certificate valid for the given IP addresses, unless present. */
    public static TlsCerts create(Path dir, List<String> ipAddresses) throws IOException {
        TlsCerts certs = new TlsCerts(dir);
        if (Files.exists(certs.cert()) && Files.exists(certs.key()) && Files.exists(certs.ca())) return certs;
        Files.createDirectories(dir);
        String openssl = Binaries.require("openssl");
        Path caKey = dir.resolve("ca.key");
        Path csr = dir.resolve("server.csr");
        Path ext = dir.resolve("server.ext");
        String san = ipAddresses.stream().map(ip -> "IP:" + ip).collect(Collectors.joining(","));
        Files.writeString(ext, "subjectAltName=" + san + ",DNS:localhost\n");
        run(dir, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                "-subj", "/CN=Vakt lab CA", "-keyout", caKey.toString(), "-out", certs.ca().toString());
        run(dir, openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + ipAddresses.get(0),
                "-keyout", certs.key().toString(), "-out", csr.toString());
        run(dir, openssl, "x509", "-req", "-in", csr.toString(), "-CA", certs.ca().toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-days", "3650", "-extfile", ext.toString(), "-out",
                certs.cert().toString());
        for (Path secret : List.of(caKey, certs.key())) {
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        }
        Files.deleteIfExists(csr);
        return certs;
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) throw new IOException("openssl failed: " + out.trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
    }
}

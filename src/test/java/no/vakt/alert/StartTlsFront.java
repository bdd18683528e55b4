package no.vakt.alert;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * GreenMail speaks SMTP and AUTH but not STARTTLS (its issue #135), so this front does the part it
 * lacks, as RFC 3207 describes: greets, offers only STARTTLS before TLS (no AUTH in clear), answers
 * 220 to STARTTLS, does the TLS handshake with a real certificate, and from then on relays the
 * decrypted session to GreenMail's plain SMTP port (its greeting swallowed: the client already got
 * one). Everything after the handshake, EHLO, AUTH, MAIL, RCPT, DATA, is answered by GreenMail.
 */
final class StartTlsFront implements AutoCloseable {
    private final ServerSocket server;
    private final SSLContext tls;
    private final String backendHost;
    private final int backendPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final List<String> clearTextCommands = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    StartTlsFront(String address, Path certPem, Path keyPem, String backendHost, int backendPort) throws Exception {
        this.tls = context(certPem, keyPem);
        this.backendHost = backendHost;
        this.backendPort = backendPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        acceptor = new Thread(this::accept, "starttls-front");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> session(s), "starttls-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket client) {
        try {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            // Byte-wise line reading: nothing may be buffered past STARTTLS, the TLS bytes follow it.
            InputStream in = client.getInputStream();
            write(out, "220 front.test ESMTP (STARTTLS front)");
            for (int i = 0; i < 20; i++) { // a client needs EHLO, STARTTLS: 20 commands is plenty
                String line = readLine(in);
                if (line == null) return;
                clearTextCommands.add(line);
                String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                if (cmd.equals("EHLO")) {
                    write(out, "250-front.test\r\n250-STARTTLS\r\n250 8BITMIME");
                } else if (cmd.equals("HELO") || cmd.equals("NOOP") || cmd.equals("RSET")) {
                    write(out, "250 OK");
                } else if (cmd.equals("QUIT")) {
                    write(out, "221 2.0.0 Bye");
                    client.close();
                    return;
                } else if (line.equalsIgnoreCase("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS");
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(client,
                            client.getInetAddress().getHostAddress(), client.getPort(), true);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    open.add(ssl);
                    relay(ssl);
                    return;
                } else {
                    write(out, "530 5.7.0 Must issue a STARTTLS command first");
                }
            }
        } catch (IOException e) {
            // The client went away, or a handshake failed (the test for a distrusted certificate).
        } finally {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void relay(SSLSocket client) throws IOException {
        Socket backend = new Socket(backendHost, backendPort);
        open.add(backend);
        backend.setSoTimeout(10_000);
        if (readLine(backend.getInputStream()) == null) return;
        Thread up = new Thread(() -> pipe(client, backend), "starttls-up");
        up.setDaemon(true);
        up.start();
        pipe(backend, client);
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1000; i++) { // SMTP command lines are at most 512 octets (RFC 5321 4.5.3.1.4)
            int c = in.read();
            if (c < 0) return b.length() == 0 ? null : b.toString();
            if (c == '\n') return b.toString().replaceAll("\r$", "");
            b.append((char) c);
        }
        throw new IOException("line too long");
    }

    private static void write(OutputStream out, String lines) throws IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static SSLContext context(Path certPem, Path keyPem) throws Exception {
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certPem)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        }
        String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, new char[0], chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

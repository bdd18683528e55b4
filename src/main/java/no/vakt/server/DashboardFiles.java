package no.vakt.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** The dashboard's few static files, from the jar's resources, by an allow-list (no path is ever resolved). */
final class DashboardFiles {
    record File(String contentType, byte[] bytes) {}

    private static final String BASE = "/no/vakt/server/dashboard/";
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
            "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"},
            "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"});

    Optional<File> find(String path) {
        String[] f = FILES.get(path);
        if (f == null) return Optional.empty();
        try (InputStream in = DashboardFiles.class.getResourceAsStream(BASE + f[0])) {
            if (in == null) throw new IllegalStateException("dashboard resource " + f[0] + " is missing from the jar");
            return Optional.of(new File(f[1], in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

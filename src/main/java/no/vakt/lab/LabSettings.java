package no.vakt.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * How a lab was brought up: the two addresses, the shared port, TLS and semi-sync. Recorded in
 * {@code lab.properties} so {@code lab status} and {@code lab down} need no options, and so a second
 * {@code lab up} can tell whether it is asked for the same lab.
 */
public record LabSettings(String osloAddress, String bergenAddress, int port, boolean tls, boolean semiSync, boolean netns) {
    public static final int DEFAULT_PORT = 3306;

    public LabSettings(String osloAddress, String bergenAddress, int port, boolean tls, boolean semiSync) {
        this(osloAddress, bergenAddress, port, tls, semiSync, false);
    }

    public static LabSettings defaults() {
        return new LabSettings(LabSite.OSLO.defaultAddress(), LabSite.BERGEN.defaultAddress(), DEFAULT_PORT,
                false, false);
    }

    public String address(LabSite site) {
        return site == LabSite.OSLO ? osloAddress : bergenAddress;
    }

    public static Optional<LabSettings> read(Path file) throws IOException {
        if (!Files.exists(file)) return Optional.empty();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        LabSettings d = defaults();
        try {
            return Optional.of(new LabSettings(
                    p.getProperty("oslo.address", d.osloAddress()),
                    p.getProperty("bergen.address", d.bergenAddress()),
                    Integer.parseInt(p.getProperty("port", Integer.toString(d.port()))),
                    Boolean.parseBoolean(p.getProperty("tls", "false")),
                    Boolean.parseBoolean(p.getProperty("semi-sync", "false")),
                    Boolean.parseBoolean(p.getProperty("netns", "false"))));
        } catch (NumberFormatException e) {
            throw new IOException("cannot read " + file + ": port is not a number");
        }
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("oslo.address", osloAddress);
        p.setProperty("bergen.address", bergenAddress);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("tls", Boolean.toString(tls));
        p.setProperty("semi-sync", Boolean.toString(semiSync));
        p.setProperty("netns", Boolean.toString(netns));
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "Vakt lab settings, written by `vakt lab up`");
        }
    }

    @Override
    public String toString() {
        return osloAddress + "/" + bergenAddress + " port " + port + ", TLS " + (tls ? "on" : "off")
                + ", semi-sync " + (semiSync ? "on" : "off") + (netns ? ", network namespaces" : "");
    }
}

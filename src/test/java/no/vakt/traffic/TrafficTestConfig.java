package no.vakt.traffic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;

/** A two-node config (oslo-db primary, bergen-db standby) with the given traffic section, and a clock tests move. */
final class TrafficTestConfig {
    private TrafficTestConfig() {}

    static VaktConfig load(Path dir, String trafficYaml) throws IOException {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, TrafficEntryConfigTest.BASE + trafficYaml);
        return ConfigLoader.load(f);
    }
}

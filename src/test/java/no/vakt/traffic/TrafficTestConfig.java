package no.vakt.traffic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

    /** A clock that only moves when the poll pauses: verify's time bound then costs no real time. */
    static final class SteppingClock extends Clock {
        private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

        VisibilityPoll.Pause pause() {
            return d -> now = now.plus(d);
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package no.vakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDirTest {
    @Test
    void aCheckoutKeepsItsStateNextToTheConfig() {
        assertThat(StateDir.forConfig(Path.of("/srv/shop/vakt.yml"), Map.of())).isEqualTo(Path.of("/srv/shop/.vakt"));
        assertThat(StateDir.forConfig(Path.of("vakt.yml"), Map.of()))
                .isEqualTo(Path.of("").toAbsolutePath().resolve(".vakt"));
    }

    @Test
    void theSystemConfigsKeepTheirStateInVarLibVakt() {
        assertThat(StateDir.forConfig(Path.of("/etc/vakt/vakt.yml"), Map.of())).isEqualTo(Path.of("/var/lib/vakt"));
        assertThat(StateDir.forConfig(Path.of("/etc/vakt/shop.yml"), Map.of())).isEqualTo(Path.of("/var/lib/vakt/shop"));
        assertThat(StateDir.forConfig(Path.of("/etc/vakt/../vakt/blog.yaml"), Map.of()))
                .isEqualTo(Path.of("/var/lib/vakt/blog"));
        assertThat(StateDir.forConfig(Path.of("/etc/vakt/sub/shop.yml"), Map.of()))
                .as("only /etc/vakt itself").isEqualTo(Path.of("/etc/vakt/sub/.vakt"));
    }

    @Test
    void vaktStateDirWins() {
        assertThat(StateDir.forConfig(Path.of("/etc/vakt/vakt.yml"), Map.of("VAKT_STATE_DIR", "/srv/state")))
                .isEqualTo(Path.of("/srv/state"));
        assertThat(StateDir.forConfig(Path.of("/srv/vakt.yml"), Map.of("VAKT_STATE_DIR", " ")))
                .as("blank: unset").isEqualTo(Path.of("/srv/.vakt"));
    }
}

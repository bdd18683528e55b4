package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** large-file-bytes is bounded: beyond it files go by rsync, never whole through the receiver session. */
class FilesConfigTest {
    private static FilesConfig withLargeFileBytes(long bytes) {
        return new FilesConfig(null, null, null, null, null, null, bytes, null, null, null);
    }

    @Test
    void largeFileBytesAbove64MiBIsRefusedWithWhatIsExpected() {
        assertThat(withLargeFileBytes(64L * 1024 * 1024).largeFileBytes()).isEqualTo(64L * 1024 * 1024);
        assertThatThrownBy(() -> withLargeFileBytes(3L * 1024 * 1024 * 1024))
                .hasMessageContaining("files.large-file-bytes")
                .hasMessageContaining("from 1 to 67108864 (64 MiB)")
                .hasMessageContaining("got 3221225472");
        assertThatThrownBy(() -> withLargeFileBytes(0)).hasMessageContaining("files.large-file-bytes");
    }
}

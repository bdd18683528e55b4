package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher says in a value, not in words, that the watched root itself went away. */
class TreeWatcherTest {
    @TempDir
    Path dir;

    @Test
    void aRemovedRootIsReportedAsGone() throws Exception {
        Path root = Files.createDirectories(dir.resolve("src"));
        Files.writeString(root.resolve("a.txt"), "a");
        List<Boolean> gone = new CopyOnWriteArrayList<>();
        TreeWatcher w = new TreeWatcher(root, new TreeWatcher.Listener() {
            @Override
            public void changed(String rel) {}

            @Override
            public void lost(String why, boolean rootGone) {
                gone.add(rootGone);
            }
        }, 100);
        try {
            w.start();
            Files.delete(root.resolve("a.txt"));
            Files.delete(root);
            await("the root reported gone").atMost(Duration.ofSeconds(10)).until(() -> gone.contains(true));
            assertThat(w.watchedDirectories()).isZero();
        } finally {
            w.close();
        }
    }
}

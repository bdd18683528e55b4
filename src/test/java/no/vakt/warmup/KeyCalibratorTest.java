package no.vakt.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import no.vakt.warmup.HotIndex.Anchor;
import org.junit.jupiter.api.Test;

/**
 * The page-to-key map and its calibration, pure. The index here: keys 1..100 000 on pages 100..3 300, but a
 * foreign index's 400 pages sit at 1 000..1 399, so the first and last leaf alone place every page after them
 * 12 % of the pages wrong; anchors fix that.
 */
class KeyCalibratorTest {
    /** The true page of a key: 2 800 leaf pages of ~35.7 keys, the foreign block skipped. */
    private static long truePage(long key) {
        long leaf = (key - 1) * 2800 / 100_000;
        return 100 + leaf + (leaf >= 900 ? 400 : 0);
    }

    private static HotIndex index(List<Long> hot, List<Anchor> anchors) {
        return new HotIndex("shop", "product", "PRIMARY", "id", hot, 100, 3299, 1, 100_000, anchors);
    }

    @Test
    void anchorsPlaceAPageBetweenTheKeysAroundIt() {
        HotIndex bare = index(List.of(), List.of());
        HotIndex anchored = index(List.of(), List.of(new Anchor(truePage(32_200), 32_200), new Anchor(truePage(40_000), 40_000)));
        long key = 60_000;
        long page = truePage(key);
        assertThat(Math.abs(bare.keyAt(page) - key)).as("first and last leaf only").isGreaterThan(3_000);
        assertThat(Math.abs(anchored.keyAt(page) - key)).as("between anchors").isLessThan(200);
        assertThat(Math.abs(anchored.pageAt(key) - page)).isLessThan(5);
    }

    @Test
    void anAnchorThatBreaksTheOrderIsDroppedAndAPairThatPacksTooManyKeysIntoAPageGoes() {
        Anchor good1 = new Anchor(truePage(20_000), 20_000);
        Anchor good2 = new Anchor(truePage(50_000), 50_000);
        Anchor good3 = new Anchor(truePage(80_000), 80_000);
        Anchor backwards = new Anchor(truePage(60_000), 45_000); // a key lower than the anchor before it
        Anchor tooDense = new Anchor(truePage(50_000) + 1, 52_000); // 2 000 keys on one page
        assertThat(index(List.of(), List.of(good3, backwards, good1, tooDense, good2)).anchors())
                .as("which of good2 and tooDense is wrong cannot be told: both go").containsExactly(good1, good3);
    }

    @Test
    void anchorsFromEarlierRefreshesStayBesideTheNewOnes() {
        Anchor earlier = new Anchor(truePage(20_000), 20_000);
        Anchor now = new Anchor(truePage(70_000), 70_000);
        assertThat(index(List.of(), List.of(earlier)).withAnchors(List.of(now)).anchors()).containsExactly(earlier, now);
    }

    @Test
    void probesAreAlignedWithTheNewPagesInOrderAndAStrayPageIsSkipped() {
        HotIndex bare = index(List.of(), List.of());
        List<Long> keys = List.of(10_000L, 30_000L, 30_500L, 70_000L);
        List<Long> pages = new java.util.ArrayList<>(keys.stream().map(KeyCalibratorTest::truePage).toList());
        pages.add(truePage(50_000)); // the primary read this one for itself meanwhile, where no probe went
        pages.sort(Long::compare);
        assertThat(KeyCalibrator.align(bare, keys, pages))
                .containsExactlyElementsOf(keys.stream().map(k -> new Anchor(truePage(k), k)).toList());
    }

    @Test
    void probesGoAcrossTheSpanAndJustOutsideEachHotRun() {
        // A hot run: 128 young pages from 2 000 (two dense extents).
        List<Long> hot = LongStream.range(1984, 2112).boxed().toList();
        HotIndex h = index(hot, List.of());
        List<Long> probes = KeyCalibrator.probeKeys(h, new java.util.Random(7));
        long lo = h.keyAt(1984);
        long hi = h.keyAt(2111);
        assertThat(probes).hasSize(KeyCalibrator.EVEN + 2 * KeyCalibrator.EDGE.length);
        // Every edge probe within 1.5 x 2.5 % of the key span outside the run (an even one may fall there too).
        assertThat(probes).filteredOn(k -> k < lo && k >= lo - 3_750).hasSizeGreaterThanOrEqualTo(KeyCalibrator.EDGE.length);
        assertThat(probes).filteredOn(k -> k > hi && k <= hi + 3_750).hasSizeGreaterThanOrEqualTo(KeyCalibrator.EDGE.length);
        assertThat(probes).allMatch(k -> k > 1 && k < 100_000);
    }
}

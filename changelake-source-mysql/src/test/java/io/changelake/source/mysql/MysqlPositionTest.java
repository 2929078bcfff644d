package io.changelake.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Positions with and without GTID sets: serialized form, old form, order. */
class MysqlPositionTest {
  private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  private static final String OTHER = "93e95066-a2f4-11ec-9b69-9657f0ae95e2";

  @Test
  void mysqlSetsMergeIntervalsSortSourcesAndCountTransactions() {
    GtidSet set = GtidSet.parse(OTHER + ":1-3,\n" + UUID.toUpperCase() + ":1-5:7", false);
    assertEquals(UUID + ":1-5:7," + OTHER + ":1-3", set.toString(), "sorted, lower case, as a server prints it");
    assertEquals(9, set.count());
    GtidSet filled = set.with(UUID + ":6");
    assertEquals(UUID + ":1-7," + OTHER + ":1-3", filled.toString());
    assertEquals(10, filled.count());
    assertEquals(UUID + ":1-7," + OTHER + ":1-4", filled.with(OTHER + ":4").toString());
    GtidSet tagged = GtidSet.parse(UUID + ":1-3:tag:1-2", false);
    assertEquals(UUID + ":1-3," + UUID + ":tag:1-2", tagged.toString(), "MySQL 8.4's tagged GTIDs, one per element");
    assertEquals(tagged, GtidSet.parse(tagged.toString(), false));
    assertEquals(UUID + ":1-3," + UUID + ":tag:1-3", tagged.with(UUID + ":tag:3").toString());
  }

  @Test
  void mariaDbSetsKeepTheLastGtidOfEachDomain() {
    GtidSet set = GtidSet.parse("10-2-5,0-1-57", true);
    assertEquals("0-1-57,10-2-5", set.toString(), "domains in numeric order");
    assertEquals(62, set.count());
    GtidSet next = set.with("0-3-58");
    assertEquals("0-3-58,10-2-5", next.toString(), "a new primary continues the domain's sequence");
    assertEquals(63, next.count());
    assertTrue(GtidSet.parse("", true).isEmpty());
    assertEquals("0-1-1", GtidSet.empty(true).with("0-1-1").toString());
  }

  @Test
  void positionsWrittenBeforeGtidsParseAndSerializeAsBefore() {
    MysqlPosition old = MysqlPosition.parse("mariadb-bin.000009:500:2:620:3");
    assertNull(old.gtids());
    assertEquals("mariadb-bin.000009", old.file());
    assertEquals(500, old.offset());
    assertEquals("mariadb-bin.000009:500:2:620:3", old.serialize());
    assertEquals("host:with:colons-bin.000002:4:2:-1:0",
        MysqlPosition.parse("host:with:colons-bin.000002:4:2:-1:0").serialize());
    assertThrows(IllegalArgumentException.class, () -> MysqlPosition.parse("mysql-bin.000001:x:2:1:0"));
  }

  @Test
  void positionsWithGtidsRoundTrip() {
    for (String serialized : List.of("mysql-bin.000003:1200:2:4:0/" + UUID + ":1-57," + OTHER + ":1-2",
        "mariadb-bin.000001:4:2:-1:0/0-1-261,1-5-3", "mysql-bin.000001:157:1:0:0/")) {
      MysqlPosition p = MysqlPosition.parse(serialized);
      assertEquals(serialized, p.serialize());
      assertEquals(p, MysqlPosition.parse(p.serialize()));
    }
    assertTrue(MysqlPosition.parse("mysql-bin.000001:157:1:0:0/").gtids().isEmpty(), "GTIDs on, none written yet");
  }

  @Test
  void gtidPositionsOrderBySetThenPlaceInGroupWhateverTheFile() {
    GtidSet s57 = GtidSet.parse(UUID + ":1-57", false);
    GtidSet s58 = s57.with(UUID + ":58");
    // the same group read from another server's binlog (a failover): other file, other offsets
    MysqlPosition here = MysqlPosition.change("mysql-bin.000042", 9000, 3, 1, s57);
    MysqlPosition there = MysqlPosition.change("replica-bin.000001", 120, 3, 1, s57);
    assertEquals(here, there, "the same change, read from either binlog");
    assertEquals(here.hashCode(), there.hashCode());
    assertTrue(MysqlPosition.change("replica-bin.000001", 120, 3, 2, s57).compareTo(here) > 0,
        "a later row of the group, from a file that sorts before");
    assertTrue(MysqlPosition.between("replica-bin.000001", 400, s58).compareTo(here) > 0, "after the group");
    assertTrue(MysqlPosition.between("mysql-bin.000042", 8000, s57).compareTo(there) < 0, "before the group");

    // what one stream emits, across a rotation, sorts in emission order
    List<MysqlPosition> emitted = List.of(
        MysqlPosition.between("mysql-bin.000001", 157, s57).snapshotDone(),
        MysqlPosition.change("mysql-bin.000001", 157, 2, 0, s57),
        MysqlPosition.change("mysql-bin.000001", 157, 2, 1, s57),
        MysqlPosition.change("mysql-bin.000001", 157, 4, 0, s57),
        MysqlPosition.between("mysql-bin.000001", 900, s58),
        MysqlPosition.change("mysql-bin.000002", 4, 1, 0, s58),
        MysqlPosition.between("mysql-bin.000002", 600, s58.with(UUID + ":59")));
    List<MysqlPosition> shuffled = new ArrayList<>(emitted);
    Collections.shuffle(shuffled);
    Collections.sort(shuffled);
    assertEquals(emitted, shuffled);
  }

  @Test
  void aPositionWithoutGtidsComparesByFileAndOffsetWithTheGtidPositionsAfterIt() {
    GtidSet set = GtidSet.parse("0-1-41", true);
    MysqlPosition stored = MysqlPosition.parse("mariadb-bin.000002:700:2:3:0");
    MysqlPosition sameChange = MysqlPosition.change("mariadb-bin.000002", 700, 3, 0, set);
    MysqlPosition nextRow = MysqlPosition.change("mariadb-bin.000002", 700, 3, 1, set);
    MysqlPosition nextGroup = MysqlPosition.change("mariadb-bin.000003", 4, 1, 0, set.with("0-1-42"));
    assertEquals(0, stored.compareTo(sameChange));
    assertTrue(stored.compareTo(nextRow) < 0);
    assertTrue(stored.compareTo(nextGroup) < 0);
    assertTrue(MysqlPosition.snapshotRow("mariadb-bin.000002", 700, 1, 9).compareTo(sameChange) < 0,
        "snapshot rows (no set) before the stream that follows them");
  }
}

package io.changelake.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void writesWithTheRequestedPermissionsAndNoChecksumFile() throws Exception {
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), HadoopConf.create())) {
      assertInstanceOf(NioLocalFileSystem.class, fs);
      Path file = new Path(dir.resolve("data.parquet").toUri());
      write(fs, file, "abc");
      fs.setPermission(file, new FsPermission((short) 0640));

      assertEquals("abc", Files.readString(dir.resolve("data.parquet")));
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data.parquet"))));
      assertFalse(Files.exists(dir.resolve(".data.parquet.crc")));
    }
  }

  @Test
  void removesTheStaleChecksumOfAFileItReplacesRenamesOrDeletes() throws Exception {
    Path hint = new Path(dir.resolve("version-hint.text").toUri());
    Path moved = new Path(dir.resolve("moved.text").toUri());
    try (LocalFileSystem checksummed = new LocalFileSystem()) {
      checksummed.initialize(URI.create("file:///"), new org.apache.hadoop.conf.Configuration());
      write(checksummed, hint, "1");
      write(checksummed, moved, "x");
    }
    assertTrue(Files.exists(dir.resolve(".version-hint.text.crc")));
    assertTrue(Files.exists(dir.resolve(".moved.text.crc")));

    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), HadoopConf.create())) {
      fs.delete(hint, false);
      assertFalse(Files.exists(dir.resolve(".version-hint.text.crc")));
      write(fs, hint, "2");
      assertTrue(fs.rename(hint, moved));
      assertFalse(Files.exists(dir.resolve(".moved.text.crc")));
    }
    try (LocalFileSystem checksummed = new LocalFileSystem()) {
      checksummed.initialize(URI.create("file:///"), new org.apache.hadoop.conf.Configuration());
      try (var in = checksummed.open(moved)) {
        assertEquals("2", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private static void write(FileSystem fs, Path path, String text) throws Exception {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}

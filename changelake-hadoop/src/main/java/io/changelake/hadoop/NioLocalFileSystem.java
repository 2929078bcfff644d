package io.changelake.hadoop;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The {@code file:} file system of changelake's Hadoop-based sinks: Hadoop's raw local file system,
 * with permissions set through {@code java.nio} instead of a forked {@code chmod} per file (what
 * Hadoop does without its native library, several times per commit), and no {@code .crc} side files.
 *
 * <p>So that a reader using Hadoop's checksummed {@code LocalFileSystem} never meets a stale checksum
 * (a table first written by a checksumming writer), a {@code .crc} sibling left by such a writer is
 * removed whenever its file is replaced, renamed or deleted.
 */
public class NioLocalFileSystem extends RawLocalFileSystem {
  private static final PosixFilePermission[] BY_BIT = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  @Override
  public void setPermission(Path path, FsPermission permission) throws IOException {
    File file = pathToFile(path);
    try {
      Files.setPosixFilePermissions(file.toPath(), posix(permission));
    } catch (UnsupportedOperationException notPosix) {
      super.setPermission(path, permission);   // Windows: Hadoop's own way
    }
    removeChecksumOf(file);
  }

  @Override
  public boolean rename(Path source, Path target) throws IOException {
    removeChecksumOf(pathToFile(source));
    removeChecksumOf(pathToFile(target));
    return super.rename(source, target);
  }

  @Override
  public boolean delete(Path path, boolean recursive) throws IOException {
    removeChecksumOf(pathToFile(path));
    return super.delete(path, recursive);
  }

  static Set<PosixFilePermission> posix(FsPermission permission) {
    int mode = permission.toShort();
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BY_BIT.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(BY_BIT[bit]);
      }
    }
    return set;
  }

  private static void removeChecksumOf(File file) throws IOException {
    File parent = file.getParentFile();
    if (parent != null) {
      Files.deleteIfExists(new File(parent, "." + file.getName() + ".crc").toPath());
    }
  }
}

#!/usr/bin/env python3
"""fatbin_inspect.py - list what an NVIDIA fatbin holds, without cuobjdump.

Usage:
  fatbin_inspect.py list FATBIN           one line per image: kind, arch, size
  fatbin_inspect.py kernels FATBIN        per image, the kernel (entry) names
  fatbin_inspect.py ptx FATBIN ARCH OUT   write the PTX image for compute_ARCH
  fatbin_inspect.py header FATBIN OUT MACRO [EXCLUDE_PREFIX]
                                          write a C header defining MACRO(X) as
                                          X(name) for every kernel (but those
                                          named EXCLUDE_PREFIX...), which every
                                          image must hold (fails if they differ)

The container layout (as written by the CUDA toolkit's `fatbinary`): a
16-byte header {u32 magic 0xBA55ED50, u16 version, u16 header size, u64
payload size}, then images, each with a header {u16 kind (1 PTX, 2 ELF
cubin), u16 version, u32 header size, u64 payload size, ..., u32 arch at
byte 28, u64 flags at byte 40} followed by its payload. Compressed images
(flag 0x2000 or 0x8000) cannot be read here: the CUDA backend builds its fatbin with
`nvcc -no-compress` for that reason. Kernels are the global STT_FUNC symbols
of a cubin's .symtab and the `.entry` directives of a PTX image.
"""
import re
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50
KIND_PTX, KIND_ELF = 1, 2
# Older toolkits flag compressed images with 0x2000, CUDA 12.8+ with 0x8000.
FLAG_COMPRESSED = 0x2000 | 0x8000


class FatbinError(Exception):
    pass


def images(data):
    """Yields (kind, arch, flags, payload) for every image of every
    container in data (nvcc may concatenate containers)."""
    pos = 0
    while pos + 16 <= len(data):
        magic, _version, header_size, size = struct.unpack_from("<IHHQ", data, pos)
        if magic != FATBIN_MAGIC:
            if any(data[pos:]):
                raise FatbinError("no fatbin magic at byte %d" % pos)
            return
        entry = pos + header_size
        end = entry + size
        if end > len(data):
            raise FatbinError("container at byte %d runs past the file" % pos)
        while entry < end:
            kind, _v, entry_header, payload_size = struct.unpack_from("<HHIQ", data, entry)
            arch = struct.unpack_from("<I", data, entry + 28)[0]
            flags = struct.unpack_from("<Q", data, entry + 40)[0]
            start = entry + entry_header
            if entry_header < 48 or start + payload_size > end:
                raise FatbinError("malformed image header at byte %d" % entry)
            yield kind, arch, flags, data[start:start + payload_size]
            entry = start + payload_size
        pos = end


def elf_functions(elf):
    """Global function symbols of a 64-bit little-endian ELF image."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise FatbinError("cubin image is not a 64-bit little-endian ELF")
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = []
    for i in range(shnum):
        (_name, sh_type, _flags, _addr, offset, size, link, _info, _align,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
        sections.append((sh_type, offset, size, link, entsize))
    names = set()
    for sh_type, offset, size, link, entsize in sections:
        if sh_type != 2:  # SHT_SYMTAB
            continue
        str_offset = sections[link][1]
        for at in range(offset, offset + size, entsize or 24):
            st_name, st_info = struct.unpack_from("<IB", elf, at)
            if (st_info & 0xF) == 2 and (st_info >> 4) == 1:  # STT_FUNC, STB_GLOBAL
                stop = elf.index(b"\0", str_offset + st_name)
                names.add(elf[str_offset + st_name:stop].decode())
    return names


def ptx_entries(ptx):
    return set(re.findall(r"\.entry\s+([A-Za-z_$][\w$]*)", ptx.decode(errors="replace")))


def image_kernels(kind, flags, payload):
    if flags & FLAG_COMPRESSED:
        raise FatbinError("compressed image (build with nvcc -no-compress)")
    if kind == KIND_ELF:
        return elf_functions(payload)
    if kind == KIND_PTX:
        return ptx_entries(payload.rstrip(b"\0"))
    raise FatbinError("unknown image kind %d" % kind)


def kind_name(kind, arch):
    return ("sm_%d cubin" if kind == KIND_ELF else "compute_%d PTX") % arch


def main(argv):
    if len(argv) < 3 or argv[1] not in ("list", "kernels", "ptx", "header"):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[2], "rb") as f:
        data = f.read()
    try:
        found = list(images(data))
        if not found:
            raise FatbinError("no images")
        if argv[1] == "list":
            for kind, arch, flags, payload in found:
                print("%s %d bytes flags 0x%x" % (kind_name(kind, arch), len(payload), flags))
        elif argv[1] == "kernels":
            for kind, arch, flags, payload in found:
                for name in sorted(image_kernels(kind, flags, payload)):
                    print("%s %s" % (kind_name(kind, arch).replace(" ", "_"), name))
        elif argv[1] == "header":
            if len(argv) not in (5, 6):
                sys.stderr.write(__doc__)
                return 2
            sets = [(kind_name(k, a), image_kernels(k, f, p)) for k, a, f, p in found]
            names = sets[0][1]
            for image, kernels in sets[1:]:
                if kernels != names:
                    raise FatbinError("%s and %s hold different kernels: %s" % (
                        sets[0][0], image, " ".join(sorted(kernels ^ names))))
            if len(argv) == 6:
                names = {name for name in names if not name.startswith(argv[5])}
            if not names:
                raise FatbinError("no kernels")
            lines = ["/* Generated by fatbin_inspect.py from %s: every kernel of its images%s. */" %
                     (argv[2].split("/")[-1], " but the %s* ones" % argv[5] if len(argv) == 6 else ""),
                     "#define %s(X) \\" % argv[4]]
            lines += ["  X(%s) \\" % name for name in sorted(names)]
            with open(argv[3], "w") as out:
                out.write("\n".join(lines) + "\n\n")
        else:
            if len(argv) != 5:
                sys.stderr.write(__doc__)
                return 2
            for kind, arch, flags, payload in found:
                if kind == KIND_PTX and arch == int(argv[3]):
                    if flags & FLAG_COMPRESSED:
                        raise FatbinError("the PTX image is compressed")
                    with open(argv[4], "wb") as out:
                        out.write(payload.rstrip(b"\0"))
                    return 0
            raise FatbinError("no compute_%s PTX image" % argv[3])
    except (FatbinError, struct.error, ValueError, IndexError) as error:
        sys.stderr.write("%s: %s\n" % (argv[2], error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

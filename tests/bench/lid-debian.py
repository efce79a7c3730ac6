#!/usr/bin/env python3
"""Malaysian and Indonesian software text from Debian packages, for ayak-lid's training.

  lid-debian.py --out build/lid/debian

Technical text (menus, messages, help pages) is missing from ../shared/data, and a
model trained without it (2026.11.2-lid2) called 26% of these Indonesian strings Malaysian.  Debian
ships the Malay (ms) and Indonesian (id) translations of Firefox, Thunderbird, GTK,
GNU tools and LibreOffice's help; their translators write what their users read.

Downloads the packages of SOURCES with `apt-get download` (the bookworm versions the
machine's sources offer) into --out/debs (kept: a second run reads them again), and
writes, in --out, one file per source of {"text"} lines, each string once:
  firefox-esr-l10n-ms.jsonl, thunderbird-l10n-ms.jsonl, locale-ms.jsonl   (Malay)
  firefox-esr-l10n-id.jsonl, thunderbird-l10n-id.jsonl, locale-id.jsonl,
  libreoffice-help-id.jsonl                                              (Indonesian)
  debian-reference-id.jsonl   (Indonesian: the Debian Reference, a manual in prose,
                              which lid-data.py keeps for testing only)
and versions.txt (each package, its version and the sha256 of its .deb): the
model's README records it, since another version of a package gives other text.
The translations are under the licenses of their packages (GPL, LGPL, MPL-2.0),
listed in lexicons/lid/README.md; no text of them is committed, only the model.

Which strings are Malay or Indonesian and not left in English is decided by
lid-data.py (its function-word rule), not here.  Only the Python standard library,
apt-get and dpkg-deb are used.
"""
import argparse, gettext, glob, hashlib, html, io, json, os, re, subprocess, sys, tarfile, urllib.parse, zipfile

# Packages with .mo files in both ms and id (the same programs on both sides).
LOCALE_PACKAGES = '''at-spi2-common binutils-common coreutils diffutils findutils gawk
gsettings-desktop-schemas libavahi-common-data libgdk-pixbuf2.0-common libglib2.0-data
libgnutls30 libgtk-3-common libgtk2.0-common libpam-runtime libsecret-common man-db
notification-daemon packagekit shared-mime-info software-properties-common
system-config-printer-common tar wget'''.split()

# (output file, kind, language directory, packages)
SOURCES = [
    ('firefox-esr-l10n-ms', 'xpi', 'ms', ['firefox-esr-l10n-ms']),
    ('thunderbird-l10n-ms', 'xpi', 'ms', ['thunderbird-l10n-ms']),
    ('locale-ms', 'mo', 'ms', LOCALE_PACKAGES),
    ('firefox-esr-l10n-id', 'xpi', 'id', ['firefox-esr-l10n-id']),
    ('thunderbird-l10n-id', 'xpi', 'id', ['thunderbird-l10n-id']),
    ('locale-id', 'mo', 'id', LOCALE_PACKAGES),
    ('libreoffice-help-id', 'help', 'id', ['libreoffice-help-id']),
    ('debian-reference-id', 'reference', 'id', ['debian-reference-id']),
]

# placeholders, markup, entities, accelerator marks and escapes of the formats read
PLACEHOLDER = re.compile(r'\{[^}]*\}|<[^>]+>|%[\d$.#-]*[a-zA-Z]|%\w+%|&\w+;|\\[nt]|_(?=\w)|~(?=\w)')


def clean(s):
    return ' '.join(PLACEHOLDER.sub(' ', s).split())


def fetch(pkgs, debs):
    """The .deb of each package, downloaded unless debs has it: {package: path}."""
    def have():
        return {os.path.basename(p).split('_')[0]: p
                for p in sorted(glob.glob(os.path.join(debs, '*.deb')))}

    os.makedirs(debs, exist_ok=True)
    missing = sorted(set(pkgs) - set(have()))
    if missing:
        r = subprocess.run(['apt-get', 'download'] + missing, cwd=debs,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        missing = sorted(set(pkgs) - set(have()))
        if r.returncode or missing:
            sys.exit('lid-debian: apt-get download %s failed: %s' % (
                ' '.join(missing), (r.stderr.strip().split('\n') or [''])[-1]))
    return have()


def members(deb):
    """(name, bytes) of the files of a .deb, in name order."""
    data = subprocess.run(['dpkg-deb', '--fsys-tarfile', deb], check=True,
                          stdout=subprocess.PIPE).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        for m in sorted((m for m in tf.getmembers() if m.isfile()), key=lambda m: m.name):
            yield m.name, tf.extractfile(m).read()


def xpi_strings(blob):
    """The values of a language pack's .ftl, .properties and .dtd files."""
    z = zipfile.ZipFile(io.BytesIO(blob))
    for n in sorted(z.namelist()):
        if not n.endswith(('.ftl', '.properties', '.dtd')):
            continue
        for line in z.read(n).decode('utf-8', 'replace').split('\n'):
            if line.lstrip().startswith(('#', '//')):
                continue
            m = re.match(r'\s*(?:[\w.-]+\s*=\s*|<!ENTITY\s+\S+\s+")(.*?)"?>?\s*$', line)
            if m:
                yield m.group(1)


def mo_strings(blob):
    """The translations of a gettext catalogue (plural forms each)."""
    cat = gettext.GNUTranslations(io.BytesIO(blob))._catalog
    for k in sorted(cat, key=str):
        if k != '' and isinstance(cat[k], str):
            yield cat[k]


def help_strings(blob, code=True):
    """The paragraphs, list items, cells and headings of a help page (with code=False, not
    those inside its <pre> blocks: the Debian Reference's shell sessions)."""
    skip = r'<script.*?</script>|<style.*?</style>' + ('' if code else r'|<pre\b.*?</pre>')
    t = re.sub(skip, '', blob.decode('utf-8', 'replace'), flags=re.S)
    for m in re.finditer(r'<(p|li|td|h[1-6])\b[^>]*>(.*?)</\1>', t, flags=re.S):
        yield html.unescape(re.sub(r'<[^>]+>', ' ', m.group(2)))


def strings(kind, lang, deb):
    for name, blob in members(deb):
        if kind == 'xpi' and name.endswith('.xpi'):
            yield from xpi_strings(blob)
        elif (kind == 'mo' and name.startswith('./usr/share/locale/%s/LC_MESSAGES/' % lang)
              and name.endswith('.mo')):
            yield from mo_strings(blob)
        elif kind == 'help' and name.startswith('./usr/share/libreoffice/help/%s/' % lang) \
                and name.endswith('.html'):
            yield from help_strings(blob)
        elif kind == 'reference' and name.startswith('./usr/share/debian-reference/') \
                and name.endswith('.%s.html' % lang):
            yield from help_strings(blob, code=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    pkgs = sorted({p for s in SOURCES for p in s[3]})
    debs = fetch(pkgs, os.path.join(a.out, 'debs'))
    with open(os.path.join(a.out, 'versions.txt'), 'w') as f:
        for p in pkgs:
            with open(debs[p], 'rb') as d:
                f.write('%s %s %s\n' % (p, urllib.parse.unquote(os.path.basename(debs[p]).split('_')[1]),
                                        hashlib.sha256(d.read()).hexdigest()))
    for out, kind, lang, src_pkgs in SOURCES:
        seen = set()
        with open(os.path.join(a.out, out + '.jsonl.tmp'), 'w', encoding='utf-8') as f:
            for p in src_pkgs:
                for s in strings(kind, lang, debs[p]):
                    s = clean(s)
                    if len(s) >= 20 and s not in seen:
                        seen.add(s)
                        f.write(json.dumps({'text': s}, ensure_ascii=False) + '\n')
        os.replace(os.path.join(a.out, out + '.jsonl.tmp'), os.path.join(a.out, out + '.jsonl'))
        print('%-24s %6d strings' % (out, len(seen)))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""oscal-xml2json.py: NIST's profile-resolution test files (OSCAL XML) as OSCAL JSON.

Run once to make tests/fixtures/oscal/spec/ from a copy of usnistgov/OSCAL's
src/specifications/profile-resolution/ (given as the first argument); the
JSON it writes is committed, so neither the build nor the tests need Python.
It converts only what those small files use: catalogs, profiles and the
resolved catalogs, with prose flattened to text (the tests compare
structure: groups, controls, params, parts and props, by id and name).
    scripts/oscal-xml2json.py SPEC-DIR tests/fixtures/oscal/spec
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

NS = '{http://csrc.nist.gov/ns/oscal/1.0}'
# XML element -> JSON array member
ARRAYS = {'group': 'groups', 'control': 'controls', 'param': 'params', 'part': 'parts',
          'prop': 'props', 'link': 'links', 'import': 'imports', 'with-id': 'with-ids',
          'matching': 'matching', 'alter': 'alters', 'set-parameter': 'set-parameters',
          'remove': 'removes', 'add': 'adds', 'resource': 'resources', 'rlink': 'rlinks',
          'value': 'values', 'choice': 'choice', 'insert-controls': 'insert-controls',
          'include-controls': 'include-controls', 'exclude-controls': 'exclude-controls',
          'guideline': 'guidelines', 'constraint': 'constraints', 'document-id': 'document-ids',
          'role': 'roles', 'party': 'parties'}
TEXT = {'title', 'label', 'version', 'oscal-version', 'last-modified', 'published', 'usage',
        'remarks', 'description', 'text', 'choice', 'value', 'with-id', 'citation'}
PROSE = {'p', 'ol', 'ul', 'li', 'table', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a',
         'em', 'strong', 'b', 'i', 'code', 'q', 'insert', 'sub', 'sup', 'img'}
BOOLS = {'as-is'}


def local(tag):
    return tag[len(NS):] if tag.startswith(NS) else tag


def text_of(el):
    """Text with OSCAL's inline insert as the JSON form writes it."""
    out = [el.text or '']
    for child in el:
        if isinstance(child.tag, str) and local(child.tag) == 'insert':
            out.append('{{ insert: %s, %s }}' % (child.get('type'), child.get('id-ref')))
        elif isinstance(child.tag, str):
            out.append(text_of(child))
        out.append(child.tail or '')
    return ''.join(out)


def flat_text(el):
    return ' '.join(text_of(el).split())


def convert(el):
    name = local(el.tag)
    if name in TEXT and not el.attrib:
        return flat_text(el)
    if name in BOOLS:
        return flat_text(el) == 'true'
    obj = dict(el.attrib)
    prose = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        cname = local(child.tag)
        if cname in PROSE:
            prose.append(flat_text(child))
            continue
        value = convert(child)
        if cname == 'citation':
            obj['citation'] = {'text': value}
        elif cname in ARRAYS:
            obj.setdefault(ARRAYS[cname], []).append(value)
        else:
            obj[cname] = value
    if prose:
        obj['prose'] = '\n\n'.join(prose)
    if name == 'with-id':
        return flat_text(el)
    return obj


def rewrite_hrefs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == 'href' and isinstance(v, str) and v.endswith('.xml'):
                node[k] = v[:-4] + '.json'
            else:
                rewrite_hrefs(v)
    elif isinstance(node, list):
        for v in node:
            rewrite_hrefs(v)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    for root, _dirs, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith('.xml') or 'specml' in f or 'output-actual' in root:
                continue
            path = os.path.join(root, f)
            try:
                tree = ET.parse(path).getroot()
            except ET.ParseError:
                continue
            model = local(tree.tag)
            if model not in ('catalog', 'profile'):
                continue
            doc = {model: convert(tree)}
            rewrite_hrefs(doc)
            out = os.path.join(dst, os.path.relpath(path, src))[:-4] + '.json'
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, 'w') as fh:
                json.dump(doc, fh, indent=1, ensure_ascii=False)
                fh.write('\n')


if __name__ == '__main__':
    main()

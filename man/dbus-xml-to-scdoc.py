#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write org.lfa.Manager(5) in scdoc from dbus/org.lfa.Manager.xml.

The XML is the API's contract (tests compare it with lfad's live
introspection), so the man page is generated from it: the comment in front
of each property, method and signal becomes its description, and the
file's leading comment (names, errors, authorization) the overview. The
page can then never document an API that lfad does not serve.

usage: dbus-xml-to-scdoc.py XML > org.lfa.Manager.5.scd
"""

import re
import sys
import textwrap
import xml.etree.ElementTree as ET


def escape(text):
    """Escape scdoc's markup characters in running text."""
    return re.sub(r'([\\*_])', r'\\\1', text)


def blocks(comment):
    """Split a comment into ('text', str) and ('literal', str) blocks.

    Lines indented deeper than the comment's first line (tables, option
    lists) are kept as they are, in literal blocks; the rest is prose.
    """
    lines = textwrap.dedent(comment.strip('\n')).rstrip().split('\n')
    out = []
    for line in lines:
        # Indented, or aligned in columns with runs of spaces: a table.
        tabular = line.startswith(' ') or re.search(r'\S {2,}\S', line)
        kind = 'literal' if tabular else 'text'
        if not line.strip():
            kind = 'blank'
        if out and out[-1][0] == kind:
            out[-1][1].append(line)
        else:
            out.append((kind, [line]))
    result = []
    for kind, group in out:
        if kind == 'text':
            result.append(('text', ' '.join(s.strip() for s in group)))
        elif kind == 'literal':
            result.append(('literal', textwrap.dedent('\n'.join(group))))
    return result


def render(comment, indent=''):
    """scdoc for one comment. Literal blocks cannot be indented in scdoc, so
    inside an indented item they end the indentation."""
    out = []
    for kind, body in blocks(comment):
        if kind == 'text':
            out.append(indent + escape(body))
        else:
            out.append('```\n' + body + '\n```')
    return '\n\n'.join(out)


def describe(element, comments):
    """The comment in front of an element, else its Description annotation."""
    text = comments.get(element)
    if text:
        # "Name: sentence" repeats the name already in the heading.
        name = element.get('name')
        text = textwrap.dedent(text.strip('\n'))
        return re.sub(r'^' + re.escape(name) + r':\s*', '', text)
    for a in element.findall('annotation'):
        if a.get('name') == 'org.freedesktop.DBus.Description':
            return a.get('value')
    return ''


def signature(args, direction):
    parts = [f'{a.get("type")} {a.get("name")}' for a in args
             if a.get('direction', 'out' if direction == 'signal' else 'in') == direction
             or direction == 'signal']
    return ', '.join(parts)


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: dbus-xml-to-scdoc.py XML')

    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(sys.argv[1], parser).getroot()

    # Comments describe the element that follows them.
    comments = {}
    for parent in root.iter():
        pending = None
        for child in list(parent):
            if child.tag is ET.Comment:
                pending = child.text
            else:
                if pending:
                    comments[child] = pending
                pending = None

    with open(sys.argv[1], encoding='utf-8') as f:
        head = re.search(r'<!--(.*?)-->', f.read(), re.S).group(1)

    out = ['org.lfa.Manager(5)', '', '# NAME', '',
           'org.lfa.Manager - the D-Bus API of lfad, Arm Live Firmware Activation',
           '', '# SYNOPSIS', '',
           '```',
           'busctl tree org.lfa.Manager',
           'busctl introspect org.lfa.Manager /org/lfa/Manager',
           'busctl get-property org.lfa.Manager /org/lfa/Manager org.lfa.Manager State',
           'busctl call org.lfa.Manager /org/lfa/Manager org.lfa.Manager Plan',
           'busctl call --timeout=60 org.lfa.Manager /org/lfa/Manager org.lfa.Manager \\',
           '        Activate sa{sv} UUID 1 rendezvous s force',
           '```',
           '', '# DESCRIPTION', '',
           render(head), '',
           'This page is generated from _/usr/share/dbus-1/interfaces/org.lfa.Manager.xml_,'
           ' the introspection data lfad serves.', '']

    for iface in root.findall('interface'):
        name = iface.get('name')
        out += [f'# INTERFACE {name}', '', escape(describe(iface, comments)), '']
        props = iface.findall('property')
        if props:
            out += ['## Properties', '']
            for p in props:
                out += [f'*{p.get("name")}* _{escape(p.get("type"))}_ ({p.get("access")})',
                        render(describe(p, comments), '\t'), '']
        methods = iface.findall('method')
        if methods:
            out += ['## Methods', '']
            for m in methods:
                args = m.findall('arg')
                ins, outs = signature(args, 'in'), signature(args, 'out')
                sig = f'*{m.get("name")}*({escape(ins)})'
                if outs:
                    sig += f' -> ({escape(outs)})'
                out += [sig, render(describe(m, comments), '\t'), '']
        signals = iface.findall('signal')
        if signals:
            out += ['## Signals', '']
            for s in signals:
                out += [f'*{s.get("name")}*({escape(signature(s.findall("arg"), "signal"))})',
                        render(describe(s, comments), '\t'), '']

    out += ['# SEE ALSO', '',
            '*lfad*(8), *lfactl*(1), *lfa.d*(5), *busctl*(1), *polkit*(8)', '']
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    main()

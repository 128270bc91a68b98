package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzXMLTokens checks xmlTokens against encoding/xml: whatever encoding/xml reads without error,
// xmlTokens reads alike, token for token (comments and processing instructions aside, which it
// passes over, and names but for their prefix, which nothing here reads).
func FuzzXMLTokens(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x14ac="x"><sheetData>` +
		`<row r="1" spans="1:5" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;c&gt; &#x41;&#66;</t></is></c></row>` +
		`<!-- a comment --><row r="3"><c r="A3" t="str"><f>A1&amp;"x"</f><v>y</v></c><c r='B3'/></row></sheetData></worksheet>`))
	f.Add([]byte("<sst><si><t>京都</t><rPh sb=\"0\" eb=\"2\"><t>キョウト</t></rPh></si><si><r><rPr><b/></rPr><t>a\r\nb\rc</t></r></si><si><t><![CDATA[<x>]]></t></si></sst>"))
	f.Add([]byte(`<x:c a = 'q"q>' b="&quot;&apos;>" ><x:v>1</x:v></x:c >`))
	f.Fuzz(func(t *testing.T, in []byte) {
		if hasDirective(in) {
			return // a DOCTYPE: refused, where encoding/xml reads it
		}
		want, wantErr := stdTokens(in)
		got, gotErr := ourTokens(in, len(want))
		if len(got) < len(want) {
			t.Fatalf("xmlTokens stops at token %d (%v) of %d (%v):\n%q\nwant %#v\ngot  %#v", len(got), gotErr, len(want), wantErr, in, want, got)
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%q: token %d\nwant %#v\ngot  %#v", in, i, want, got)
			}
		}
	})
}

// hasDirective says whether in has markup that starts "<!" and is neither a comment nor CDATA.
func hasDirective(in []byte) bool {
	for i := bytes.Index(in, []byte("<!")); i >= 0; {
		rest := in[i:]
		if !bytes.HasPrefix(rest, []byte("<!--")) && !bytes.HasPrefix(rest, []byte("<![CDATA[")) {
			return true
		}
		next := bytes.Index(rest[2:], []byte("<!"))
		if next < 0 {
			return false
		}
		i += next + 2
	}
	return false
}

// stdTokens are encoding/xml's tokens, up to its first error, as xmlTokens gives them.
func stdTokens(in []byte) ([]xml.Token, error) {
	dec := xml.NewDecoder(bytes.NewReader(in))
	var toks []xml.Token
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return toks, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			start := xml.StartElement{Name: xml.Name{Local: t.Name.Local}}
			for _, a := range t.Attr {
				start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			toks = append(toks, start)
		case xml.EndElement:
			toks = append(toks, xml.EndElement{Name: xml.Name{Local: t.Name.Local}})
		case xml.CharData:
			toks = append(toks, xml.CharData(append([]byte{}, t...)))
		}
	}
}

// ourTokens are up to n+1 of xmlTokens' tokens, as encoding/xml's values.
func ourTokens(in []byte, n int) ([]xml.Token, error) {
	x := newXMLTokens(bytes.NewReader(in))
	var toks []xml.Token
	for len(toks) <= n {
		tok, err := x.next()
		if errors.Is(err, io.EOF) {
			return toks, nil
		}
		if err != nil {
			return toks, err
		}
		switch tok {
		case startTag:
			start := xml.StartElement{Name: xml.Name{Local: x.name}}
			for _, a := range x.attrs {
				start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: a.name}, Value: string(a.value)})
			}
			toks = append(toks, start)
		case endTag:
			toks = append(toks, xml.EndElement{Name: xml.Name{Local: x.name}})
		case textData:
			toks = append(toks, xml.CharData(append([]byte{}, x.text...)))
		}
	}
	return toks, nil
}

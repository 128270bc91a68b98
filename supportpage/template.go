package supportpage

import (
	"bytes"
	"net/http"

	"github.com/acme/storeimport/importer"
)

// template is the template download: the bytes of `storeimport template` with the same choices.
func (s *Server) template(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	format := query.Get("format")
	opts := importer.TemplateOptions{Lang: query.Get("lang"), Encoding: query.Get("encoding"), Example: query.Get("example") == "1"}
	var out bytes.Buffer
	if err := importer.WriteTemplateAs(&out, format, opts); err != nil {
		ws := wordsIn[requestOf(r).lang]
		s.showNotice(w, r, http.StatusBadRequest, notice{ID: "template-error", Lead: ws.BadTemplate, Text: err.Error()})
		return
	}
	name, contentType := "stores-template-"+opts.Lang+".xlsx", xlsxType
	if format != "xlsx" {
		name, contentType = "stores-template-"+opts.Lang+".csv", "text/csv; charset=utf-8"
		if opts.Encoding == importer.EncodingSJIS {
			contentType = "text/csv; charset=shift_jis"
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", attachment(name))
	w.Write(out.Bytes())
}

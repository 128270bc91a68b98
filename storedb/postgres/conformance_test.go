package postgres_test

import (
	"testing"

	"github.com/acme/storeimport/storedb/storetest"
)

func TestConformance(t *testing.T) { storetest.Run(t, storetest.Postgres) }

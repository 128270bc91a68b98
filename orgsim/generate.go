package orgsim

//go:generate go tool gqlgen --config gqlgen.yml

# type_into.py TEMPLATE.xlsx TYPED.tsv OUT.xlsx PIPE
#
# Types each cell of TYPED.tsv (below its header line) into the first sheet of TEMPLATE.xlsx,
# from row 2, as a merchant typing into LibreOffice Calc does, and saves the workbook as OUT.xlsx.
# Each value goes through Calc's own input (.uno:GoToCell then .uno:EnterString, what pressing
# Enter in a cell runs): interpreted as typing is, so digits become a number and 1/15 a date
# unless the cell is formatted as text, which the template's cells are. (XCell.setFormula is not
# typing: it makes a number of digits even in a text cell.)
# It talks to a soffice already listening on the named pipe PIPE (merchant-fixtures.sh starts it).
# Run it with Debian's /usr/bin/python3, which has the uno module of python3-uno.
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(100):  # soffice takes a few seconds to listen
        try:
            return resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception:
            time.sleep(0.2)
    sys.exit("type_into.py: soffice does not answer on pipe " + pipe)


def main(template, typed, out, pipe):
    ctx = connect(pipe)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(template), "_blank", 0,
                                       (prop("Hidden", True),))
    frame = doc.CurrentController.Frame
    dispatch = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    with open(typed, encoding="utf-8") as f:
        lines = f.read().splitlines()[1:]
    for r, line in enumerate(lines):
        for c, value in enumerate(line.split("\t")):
            if value:
                cell = "$%s$%d" % ("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[c], r + 2)
                dispatch.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", cell),))
                dispatch.executeDispatch(frame, ".uno:EnterString", "", 0,
                                         (prop("StringName", value),))
    doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge goes down with soffice


if __name__ == "__main__":
    main(*sys.argv[1:5])

import com.adobe.epubcheck.tool.EpubChecker;

/**
 * EPUBCheck on several books in one JVM (its command line takes one book, and each JVM start
 * costs seconds of CPU): arguments are pairs BOOK.epub REPORT.json; each report is EPUBCheck's
 * own JSON, usage messages included. Run from source: java -cp epubcheck.jar EpubCheckAll.java ...
 */
public class EpubCheckAll {
    public static void main(String[] args) {
        int failed = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            failed |= new EpubChecker().run(new String[] {args[i], "--quiet", "--usage", "--json", args[i + 1]});
        }
        System.exit(failed);
    }
}

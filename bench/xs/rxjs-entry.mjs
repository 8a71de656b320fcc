// What the RxJS side of the XS benchmark uses, bundled from RxJS 7's es2015 build into one script for XS.
export { Subject, map, scan } from 'rxjs';
